import { createRng, InvalidArgumentError, type Rng } from '@spa/core';
import { extractSpaAction, SPA_ACTION_ARITY, SPA_ACTION_NAMES, toSpaScriptLine } from './actions';
import { type CompiledGoal, compileGoal, type RevisedGraph } from './goal';
import { executeScriptLine, pythonSetOrder, visibleAmong } from './sim/executor';
import { EnvironmentGraph, type GraphJson, removeDuplicateEdges } from './sim/graph';
import { parseScriptLine, type ScriptLine, ScriptParseError } from './sim/script';

/** SPA's observation for any failed action (research note §1.6). */
export const VIRTUALHOME_NOTHING_HAPPENS = 'Nothing happens.';

/**
 * SPA's observation when the turn raises (no `Action:`, an empty action, a line the grounding or
 * the script parser chokes on); research note §1.6 item 8. The step still counts.
 */
export const VIRTUALHOME_ERROR_INPUT = "Error Input. Your input must contains 'Action: '";

/** How a step ended. */
export type VirtualhomeStepKind =
  /** The script line ran; the observation describes the new state. */
  | 'executed'
  /** Nothing ran (unknown verb, wrong arity, grounding message, failed precondition): `Nothing happens.` */
  | 'failed'
  /** SPA's exception path: `Error Input. …`. */
  | 'error-input';

/** The outcome of one step of a {@link VirtualhomeWorld}. */
export interface VirtualhomeStepOutcome {
  /** SPA's observation text without the `Observation: ` prefix SPA puts in front of it. */
  readonly observation: string;
  readonly kind: VirtualhomeStepKind;
  /** SPA-RL's grounding flag: the observation is not `Nothing happens.` (so `error-input` counts as grounded, as in SPA's `rl_data_org.py`). */
  readonly grounded: boolean;
  /** Every goal condition holds after this step (judged after failed steps too, not after `error-input`). */
  readonly won: boolean;
  /** The script line after template parsing and grounding, e.g. `[WALK] <bedroom> (67)`, when one was formed. */
  readonly scriptLine?: string;
  /** Why nothing ran: the grounding message, the arity message, the simulator's message or the exception. */
  readonly reason?: string;
}

/** Options of {@link VirtualhomeWorld}. */
export interface VirtualhomeWorldOptions {
  /**
   * The initial graph: a JSON graph (SPA's load-time `remove_duplicate_edge` is applied, unless
   * `cleanEdges` is false) or an already built {@link EnvironmentGraph} (used as is; never mutated).
   */
  readonly initialGraph: GraphJson | EnvironmentGraph;
  /** The task's `revised_graph`, or a goal compiled with `compileGoal`. */
  readonly goal: RevisedGraph | CompiledGoal;
  /** The task's `object_id_dict`: class names pre-bound to the gold instances. Copied, never mutated. */
  readonly objectIdDict?: Readonly<Record<string, number>>;
  /** Stream for the grounding's random picks (SPA's unseeded `random.choice`). Default `createRng(0)`. */
  readonly rng?: Rng;
  /** Apply `removeDuplicateEdges` to a JSON `initialGraph` (default true, as SPA does). */
  readonly cleanEdges?: boolean;
}

const OBSERVED_RELATION_EXCLUDED = new Set(['CLOSE', 'FACING', 'INSIDE', 'HOLDS_LH', 'HOLDS_RH']);
/** Python `\d` on str: any Unicode decimal digit. */
const DIGITS = /\p{Nd}+/gu;
const FIRST_INSTANCE = /\((\p{Nd}+)\)/u;
/** SPA's `extract_text` pattern (1-argument lines). */
const EXTRACT_ONE = /\[([^\]]+)\]|<([^>]+)>|\(([^)]+)\)/g;
/** SPA's `parse_content` pattern (2-argument lines); Python's `.` excludes only `\n`. */
const EXTRACT_TWO = /\[([^\n]*?)\]|<([^\n]*?)>|\(([^\n]*?)\)/g;
const FIRST_BRACKET = /\[([^\n]*?)\]/;

/** Thrown inside the port where SPA's code raises; turned into `error-input`. */
class SpaCrash {
  constructor(readonly reason: string) {}
}

function isGraph(value: GraphJson | EnvironmentGraph): value is EnvironmentGraph {
  return value instanceof EnvironmentGraph;
}

function isCompiled(goal: RevisedGraph | CompiledGoal): goal is CompiledGoal {
  return typeof (goal as CompiledGoal).isSatisfied === 'function';
}

function countChar(text: string, char: string): number {
  let count = 0;
  for (let i = text.indexOf(char); i >= 0; i = text.indexOf(char, i + 1)) count += 1;
  return count;
}

/**
 * One SPA-RL VirtualHome episode's world: the evolving graph plus SPA's text layer (research note
 * §1.3–1.7): action text → script line (`toSpaScriptLine`), instance grounding, execution,
 * observation, and the goal check.
 *
 * @remarks
 * Grounding (`change_obj_index`, §1.5) runs before any validity check and keeps SPA's memory:
 * `boundObjects` starts as the task's `object_id_dict` (gold instances) and binds every class
 * name the agent mentions to one instance for the rest of the episode; `lastObjectId` is the
 * last object acted on. A name not yet bound resolves to a "nearby" instance (linked to the
 * character by CLOSE in either direction, then linked to the last object by CLOSE or INSIDE;
 * later entries win, in CPython's int-set order, which is deterministic), else to a uniformly
 * random instance drawn from `rng` (SPA draws with the unseeded `random.choice`).
 *
 * Observations (`conduct_action`, §1.6) after a successful line: the states of every node whose
 * class is that of a visible object the character is CLOSE to (`"<class> is S1 and S2"`, or the
 * class alone), then the ON/BETWEEN relations among the close objects of those classes
 * (`"<class> ON <class>"`), joined by `", "` and ended by `". "`, then `"You have a, b. "` for
 * held objects. The original deduplicates items and relations through Python sets, so its order
 * changes from run to run; here it is fixed: items grouped by class in the order the classes
 * first appear among the character's CLOSE edges, each class's nodes in graph order, states in
 * each node's order (the file's order, states added by actions last); relations in the same
 * class order, then edge order; held objects in graph node order (as the original).
 *
 * Deliberate differences: the character-has-no-room assertion and `KeyError`s inside upstream
 * `get_visible_nodes` (both unreachable on the task graphs) are a failed step here, not
 * `error-input`.
 */
export class VirtualhomeWorld {
  readonly #initial: EnvironmentGraph;
  readonly #goal: CompiledGoal;
  readonly #objectIdDict: Readonly<Record<string, number>>;
  readonly #characterId: number;
  /** Ids of each class, in node order (classes never change; nodes are never added or removed). */
  readonly #byClass = new Map<string, number[]>();
  readonly #position = new Map<number, number>();
  #rng: Rng | undefined;
  #makeRng: () => Rng;
  #graph: EnvironmentGraph;
  /** Whether `#graph` is this episode's own copy (copied from the initial graph on the first executed line). */
  #owned = false;
  /** The script lines executed this episode, to rebuild the state if ever needed. */
  #executed: ScriptLine[] = [];
  #bound = new Map<string, number>();
  #lastObjectId = -1;

  constructor(options: VirtualhomeWorldOptions) {
    const initial = options.initialGraph;
    this.#initial = isGraph(initial)
      ? initial
      : EnvironmentGraph.fromJson({
          nodes: initial.nodes,
          edges: options.cleanEdges === false ? initial.edges : removeDuplicateEdges(initial.edges),
        });
    const characterId = this.#initial.findCharacterId();
    if (characterId === undefined) {
      throw new InvalidArgumentError({
        field: 'initialGraph.nodes',
        reason: 'no node with class_name "character"',
      });
    }
    this.#characterId = characterId;
    let index = 0;
    for (const node of this.#initial.nodes()) {
      this.#position.set(node.id, index);
      index += 1;
      const list = this.#byClass.get(node.className);
      if (list === undefined) this.#byClass.set(node.className, [node.id]);
      else list.push(node.id);
    }
    this.#goal = isCompiled(options.goal) ? options.goal : compileGoal(options.goal);
    this.#objectIdDict = { ...(options.objectIdDict ?? {}) };
    const initialRng = options.rng;
    this.#makeRng = () => initialRng ?? createRng(0);
    this.#graph = this.#initial;
    this.reset();
  }

  /**
   * Back to the initial graph with the task's bindings; optionally a new random stream, or a
   * function making one (called only if the episode needs a random pick).
   */
  reset(rng?: Rng | (() => Rng)): void {
    if (rng !== undefined) {
      this.#rng = undefined;
      this.#makeRng = typeof rng === 'function' ? rng : () => rng;
    }
    this.#graph = this.#initial;
    this.#owned = false;
    this.#executed = [];
    this.#bound = new Map(Object.entries(this.#objectIdDict));
    this.#lastObjectId = -1;
  }

  /**
   * The current graph. Live: later steps change it in place (use `clone()` to keep a snapshot), and
   * it must not be modified by the caller.
   */
  get graph(): EnvironmentGraph {
    return this.#graph;
  }

  /** The initial graph after the load-time clean-up. */
  get initialGraph(): EnvironmentGraph {
    return this.#initial;
  }

  /** The character's node id. */
  get characterId(): number {
    return this.#characterId;
  }

  /** SPA's `specific_objects`: class name → bound instance id. */
  get boundObjects(): ReadonlyMap<string, number> {
    return this.#bound;
  }

  /** SPA's `last_obj_id` (-1 before the first grounded object). */
  get lastObjectId(): number {
    return this.#lastObjectId;
  }

  /** Whether every goal condition holds now. */
  isWon(): boolean {
    return this.#goal.isSatisfied(this.#graph);
  }

  /** The goal conditions that do not hold now. */
  unmetGoalConditions(): string[] {
    return this.#goal.unmet(this.#graph);
  }

  /**
   * One turn from a model output, as SPA's `step`: the action is the text after the first
   * `Action:`; without one the turn is `error-input`.
   */
  stepOutput(output: string): VirtualhomeStepOutcome {
    const action = extractSpaAction(output);
    if (action === undefined) return this.#errorInput('no "Action:" in the output');
    return this.act(action);
  }

  /** One turn from an action text (what follows `Action:`), e.g. `walk to bedroom`. */
  act(action: string): VirtualhomeStepOutcome {
    try {
      return this.#conduct(action);
    } catch (error) {
      if (error instanceof SpaCrash) return this.#errorInput(error.reason);
      if (ScriptParseError.isInstance(error)) return this.#errorInput(error.message);
      throw error;
    }
  }

  #errorInput(reason: string): VirtualhomeStepOutcome {
    return {
      observation: VIRTUALHOME_ERROR_INPUT,
      kind: 'error-input',
      grounded: true,
      won: false,
      reason,
    };
  }

  #failed(reason: string, scriptLine?: string): VirtualhomeStepOutcome {
    return {
      observation: VIRTUALHOME_NOTHING_HAPPENS,
      kind: 'failed',
      grounded: false,
      won: this.isWon(),
      reason,
      ...(scriptLine === undefined ? {} : { scriptLine }),
    };
  }

  #conduct(action: string): VirtualhomeStepOutcome {
    const parsed = toSpaScriptLine(action);
    if (parsed === undefined) throw new SpaCrash('empty action');
    const line = this.#ground(parsed.line);
    if (!line.includes('[')) return this.#failed(line);
    const name = FIRST_BRACKET.exec(line)?.[1];
    if (name === undefined) throw new SpaCrash(`no [ACTION] in ${JSON.stringify(line)}`);
    if (!SPA_ACTION_NAMES.has(name)) return this.#failed(`unknown action ${name}`, line);
    const arity = SPA_ACTION_ARITY.get(name) ?? 0;
    const given = countChar(line, '<');
    if (given !== arity) {
      return this.#failed(
        `${name} needs ${arity} parameters. But there are ${given} parameters.`,
        line,
      );
    }
    const script = parseScriptLine(line);
    if (!this.#owned) {
      this.#graph = this.#initial.clone();
      this.#owned = true;
    }
    const result = executeScriptLine(this.#graph, script, {
      characterId: this.#characterId,
      inPlace: true,
    });
    if (!result.success) {
      if (result.corrupted === true) this.#rebuild();
      return this.#failed(result.message ?? 'precondition failed', line);
    }
    this.#executed.push(script);
    const observation = this.observe();
    return {
      observation,
      kind: 'executed',
      grounded: observation !== VIRTUALHOME_NOTHING_HAPPENS,
      won: this.isWon(),
      scriptLine: line,
    };
  }

  /** Replays the episode's executed lines on a fresh copy of the initial graph. */
  #rebuild(): void {
    const graph = this.#initial.clone();
    for (const script of this.#executed) {
      executeScriptLine(graph, script, { characterId: this.#characterId, inPlace: true });
    }
    this.#graph = graph;
  }

  #random(): Rng {
    this.#rng ??= this.#makeRng();
    return this.#rng;
  }

  /** Class of node `id` (nodes never disappear). */
  #className(id: number): string {
    return this.#graph.getNode(id)?.className ?? '';
  }

  /**
   * SPA's nearby map for `names`: class → id from the character's CLOSE neighbours (both
   * directions), then the last object's CLOSE and INSIDE neighbours; later entries win.
   */
  #nearby(names: readonly string[]): Map<string, number> {
    const graph = this.#graph;
    const c = this.#characterId;
    const near = new Map<string, number>();
    const consider = (ids: readonly number[]) => {
      for (const id of ids) {
        const cls = this.#className(id);
        if (names.includes(cls)) near.set(cls, id);
      }
    };
    consider(pythonSetOrder([...graph.targets(c, 'CLOSE'), ...graph.sources(c, 'CLOSE')]));
    const last = this.#lastObjectId;
    if (last !== -1) {
      consider(pythonSetOrder([...graph.targets(last, 'CLOSE'), ...graph.sources(last, 'CLOSE')]));
      consider(
        pythonSetOrder([...graph.targets(last, 'INSIDE'), ...graph.sources(last, 'INSIDE')]),
      );
    }
    return near;
  }

  /** SPA's `change_obj_index` (research note §1.5); returns the grounded line or a message. */
  #ground(program: string): string {
    const arguments_ = countChar(program, '<');
    if (arguments_ === 0) return program;
    if (arguments_ === 1) return this.#groundOne(program);
    if (arguments_ === 2) return this.#groundTwo(program);
    // SPA's function falls through and returns None; unpacking it raises TypeError.
    throw new SpaCrash(`${arguments_} "<" in ${JSON.stringify(program)}`);
  }

  #groundOne(program: string): string {
    const texts = [...program.matchAll(EXTRACT_ONE)].map(
      (match) => match[1] ?? match[2] ?? match[3] ?? '',
    );
    const verb = texts[0];
    const name = texts[1];
    if (verb === undefined || name === undefined) {
      throw new SpaCrash(`cannot extract the object of ${JSON.stringify(program)}`);
    }
    const candidates = this.#byClass.get(name) ?? [];
    const missing = `${name} isn't available in the environment.`;
    // The nearby map only matters for a name not bound yet (computed lazily; it has no side effects).
    const resolve = () => this.#bound.get(name) ?? this.#nearby([name]).get(name);
    let id: number | undefined;
    if (verb !== 'FIND' && verb !== 'WALK') {
      id = resolve();
      if (id === undefined && candidates.length === 0) return missing;
    } else {
      if (candidates.length === 0) return missing;
      id = resolve();
    }
    id ??= this.#random().choice(candidates);
    this.#bound.set(name, id);
    this.#lastObjectId = id;
    return program.replace(DIGITS, String(id));
  }

  #groundTwo(program: string): string {
    const content: string[] = [];
    for (const match of program.matchAll(EXTRACT_TWO)) {
      for (const group of [match[1], match[2], match[3]]) if (group) content.push(group);
    }
    const a = content[1];
    const b = content[3];
    if (a === undefined || b === undefined) {
      throw new SpaCrash(`cannot extract the objects of ${JSON.stringify(program)}`);
    }
    const graph = this.#graph;
    const c = this.#characterId;
    const heldIds = new Set([...graph.targets(c, 'HOLDS_RH'), ...graph.targets(c, 'HOLDS_LH')]);
    const held = (this.#byClass.get(a) ?? []).filter((id) => heldIds.has(id));
    const near = this.#nearby([a, b]);
    if (held.length === 0) return `${a} not in hand. Robot agent should hold ${a} firstly.`;
    const id1 = this.#random().choice(held);
    this.#bound.set(a, id1);
    const targets = this.#byClass.get(b) ?? [];
    if (targets.length === 0) return `${b} isn't available in the environment.`;
    let id2 = this.#bound.get(b);
    if (id2 === undefined) {
      id2 = near.get(b) ?? this.#random().choice(targets);
      this.#bound.set(b, id2);
    }
    if (id1 === id2) return `${a} can't be put or pour into itself.`;
    const cut = program.indexOf(')');
    if (cut < 0) throw new SpaCrash(`no ")" in ${JSON.stringify(program)}`);
    const head = program.slice(0, cut + 1).replace(FIRST_INSTANCE, `(${id1})`);
    const tail = program.slice(cut + 1).replace(FIRST_INSTANCE, `(${id2})`);
    this.#lastObjectId = id2;
    return head + tail;
  }

  /** SPA's observation of the current state (research note §1.6 item 5); see the class remarks. */
  observe(): string {
    const graph = this.#graph;
    const c = this.#characterId;
    const close = graph.targets(c, 'CLOSE');
    const visible = visibleAmong(graph, c, close, { initial: this.#initial });
    const classes: string[] = [];
    for (const id of close) {
      if (!visible.has(id)) continue;
      const cls = this.#className(id);
      if (!classes.includes(cls)) classes.push(cls);
    }
    const items: string[] = [];
    const seenItems = new Set<string>();
    for (const cls of classes) {
      for (const id of this.#byClass.get(cls) ?? []) {
        const states = [...(graph.getNode(id)?.states ?? [])];
        const item = states.length > 0 ? `${cls} is ${states.join(' and ')}` : cls;
        // SPA splits the joined text on ", " and drops empty strings before deduplicating.
        for (const part of item.split(', ')) {
          if (part.length > 0 && !seenItems.has(part)) {
            seenItems.add(part);
            items.push(part);
          }
        }
      }
    }
    const closeOfClass = close.filter((id) => classes.includes(this.#className(id)));
    const closeSet = new Set(closeOfClass);
    const relations: string[] = [];
    const seenRelations = new Set<string>();
    for (const cls of classes) {
      for (const from of closeOfClass) {
        if (this.#className(from) !== cls) continue;
        for (const edge of graph.edgesFrom(from)) {
          if (!closeSet.has(edge.to) || OBSERVED_RELATION_EXCLUDED.has(edge.relation)) continue;
          const text = `${cls} ${edge.relation} ${this.#className(edge.to)}`;
          if (!seenRelations.has(text)) {
            seenRelations.add(text);
            relations.push(text);
          }
        }
      }
    }
    let text = '';
    if (items.length === 0) {
      if (relations.length > 0) text = `${relations.join(', ')}. `;
    } else {
      text = `${[...items, ...relations].join(', ')}. `;
    }
    const heldIds = new Set([...graph.targets(c, 'HOLDS_RH'), ...graph.targets(c, 'HOLDS_LH')]);
    if (heldIds.size > 0) {
      const held = [...heldIds]
        .sort((x, y) => (this.#position.get(x) ?? 0) - (this.#position.get(y) ?? 0))
        .map((id) => this.#className(id));
      text += `You have ${held.join(', ')}. `;
    }
    return text;
  }
}
