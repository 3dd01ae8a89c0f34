import type { EnvironmentGraph, GraphNode, Relation } from './graph';
import { type ActionName, formatScriptLine, parseScriptLine, type ScriptLine } from './script';

/** Options of {@link executeScriptLine}. */
export interface ExecuteOptions {
  /** Id of the acting character; default: the first node of class `character`. */
  readonly characterId?: number;
  /**
   * Apply the step to `graph` itself instead of a copy (fast: no copy of ~6k edges per step). On a
   * failed precondition the graph is unchanged, as every action checks all its preconditions
   * before its first change; if a failure ever came after a change, the result says so with
   * `corrupted: true` and the caller must rebuild the state (the env replays the episode).
   */
  readonly inPlace?: boolean;
}

/** Outcome of one script line. */
export interface ExecuteResult {
  /** Whether the step succeeded (upstream `execute_one_step`'s flag). */
  readonly success: boolean;
  /** The new state on success; the input graph (unchanged) on failure. */
  readonly graph: EnvironmentGraph;
  /** Why the step failed (upstream `ExecutionInfo` style), or a note on success. */
  readonly message?: string;
  /** Only with `inPlace`: the step failed after changing the graph (see {@link ExecuteOptions.inPlace}). */
  readonly corrupted?: true;
}

class StepFailure {
  constructor(readonly message: string) {}
}

const SIT_LIMITS: Readonly<Record<string, number>> = {
  couch: 4,
  bed: 4,
  chair: 1,
  loveseat: 2,
  sofa: 4,
  toilet: 1,
  pianobench: 2,
  bench: 2,
};

const LIE_LIMITS: Readonly<Record<string, number>> = {
  couch: 2,
  bathtub: 2,
  bed: 3,
  loveseat: 2,
  sofa: 2,
  bench: 1,
};

const SQUEEZABLE = new Set([
  'cleaning_solution',
  'tooth_paste',
  'shampoo',
  'food_peanut_butter',
  'dish_soap',
  'soap',
  'towel',
  'rag',
  'paper',
  'sponge',
  'food_lemon',
  'check',
]);

const HANDS: readonly Relation[] = ['HOLDS_RH', 'HOLDS_LH'];

function describe(node: GraphNode): string {
  return `<${node.className}> (${node.id})`;
}

function isRoom(node: GraphNode | undefined): boolean {
  return node?.category === 'Rooms';
}

/** Shared predicates of research notes §2.3, evaluated on one state for one character. */
class Context {
  constructor(
    readonly graph: EnvironmentGraph,
    readonly character: GraphNode,
    readonly lineText: string,
  ) {}

  node(id: number): GraphNode {
    const node = this.graph.getNode(id);
    if (node === undefined)
      throw new StepFailure(`no node with id ${id} when executing "${this.lineText}"`);
    return node;
  }

  fail(reason: string): never {
    throw new StepFailure(
      `${describe(this.character)} ${reason} when executing "${this.lineText}"`,
    );
  }

  require(condition: boolean, reason: string): void {
    if (!condition) this.fail(reason);
  }

  /** Current character node: SPA's fix of upstream `get_char_node` (§2.7 bug 2). */
  get characterNow(): GraphNode {
    return this.node(this.character.id);
  }

  get sitting(): boolean {
    return this.characterNow.states.has('SITTING');
  }

  get lying(): boolean {
    return this.characterNow.states.has('LYING');
  }

  /** close(char, X) with the one-hop loose rule (§2.3). */
  close(x: number): boolean {
    const c = this.character.id;
    if (this.graph.hasEdge(c, 'CLOSE', x)) return true;
    return this.graph
      .targets(c, 'CLOSE')
      .some((y) => this.graph.hasEdge(y, 'CLOSE', x) || this.graph.hasEdge(x, 'ON', y));
  }

  /** faces(char, X) (§2.3). */
  faces(x: number): boolean {
    const c = this.character.id;
    if (this.graph.hasEdge(c, 'FACING', x)) return true;
    return this.graph.targets(c, 'FACING').some((y) => this.graph.hasEdge(y, 'FACING', x));
  }

  /** room(X) (§2.3). */
  room(x: number): number | undefined {
    return roomOf(this.graph, x);
  }

  /** inside_closed(X) (§2.3). */
  insideClosed(x: number): boolean {
    return this.graph.targets(x, 'INSIDE').some((t) => {
      const node = this.graph.getNode(t);
      return node !== undefined && !isRoom(node) && node.states.has('CLOSED');
    });
  }

  freeHand(): Relation | undefined {
    return HANDS.find((hand) => this.graph.targets(this.character.id, hand).length === 0);
  }

  holding(x: number): boolean {
    return HANDS.some((hand) => this.graph.hasEdge(this.character.id, hand, x));
  }

  holdingAnything(): boolean {
    return HANDS.some((hand) => this.graph.targets(this.character.id, hand).length > 0);
  }

  heldObjects(): number[] {
    return HANDS.flatMap((hand) => this.graph.targets(this.character.id, hand));
  }

  setStates(id: number, remove: readonly string[], add: readonly string[]): void {
    const node = this.node(id);
    const states = new Set(node.states);
    for (const state of remove) states.delete(state);
    for (const state of add) states.add(state);
    this.graph.setNode({ ...node, states });
  }

  /** Removes every edge of `relations` between `id` and any node, both directions. */
  deleteEdgesOf(id: number, relations: readonly Relation[]): void {
    for (const relation of relations) {
      for (const edge of this.graph.edgesFrom(id, relation))
        this.graph.removeEdge(edge.from, relation, edge.to);
      for (const edge of this.graph.edgesTo(id, relation))
        this.graph.removeEdge(edge.from, relation, edge.to);
    }
  }
}

/**
 * room(X) (research notes §2.3): X if it is a room; if X has several INSIDE targets, the one that is a room; else
 * follow the first INSIDE target until a room is reached. `undefined` if the chain ends (or loops).
 */
export function roomOf(graph: EnvironmentGraph, id: number): number | undefined {
  const seen = new Set<number>();
  let current = id;
  for (;;) {
    if (isRoom(graph.getNode(current))) return current;
    if (seen.has(current)) return undefined;
    seen.add(current);
    const targets = graph.targets(current, 'INSIDE');
    if (targets.length > 1) return targets.find((t) => isRoom(graph.getNode(t)));
    const next = targets[0];
    if (next === undefined) return undefined;
    current = next;
  }
}

/**
 * Iteration order of a CPython `set` of small non-negative ints built by inserting `ids` in order.
 *
 * @remarks
 * Emulates CPython 3.x `setobject.c` (`set_add_entry`, `set_table_resize`, `set_insert_clean`: table of at
 * least 8 slots, linear probing over 9 slots, then perturbation by `hash >> 5`, resize when `fill * 5 >= mask * 3`
 * to the next power of two above `used * 4`). An int hashes to itself. Upstream GRAB picks the first neighbour
 * in set order (§2.4), and the task replays depend on that choice.
 */
export function pythonSetOrder(ids: readonly number[]): number[] {
  const linearProbes = 9;
  const insertClean = (table: (number | undefined)[], key: number): void => {
    const mask = table.length - 1;
    let perturb = key;
    let i = key & mask;
    for (;;) {
      const limit = i + linearProbes <= mask ? linearProbes : 0;
      for (let j = 0; j <= limit; j += 1) {
        if (table[i + j] === undefined) {
          table[i + j] = key;
          return;
        }
      }
      perturb = Math.floor(perturb / 32);
      i = (i * 5 + 1 + perturb) & mask;
    }
  };
  let table: (number | undefined)[] = new Array(8).fill(undefined);
  let used = 0;
  const present = new Set<number>();
  for (const id of ids) {
    if (present.has(id)) continue;
    present.add(id);
    insertClean(table, id);
    used += 1;
    const mask = table.length - 1;
    if (used * 5 >= mask * 3) {
      const minUsed = used > 50000 ? used * 2 : used * 4;
      let size = 8;
      while (size <= minUsed) size *= 2;
      const next: (number | undefined)[] = new Array(size).fill(undefined);
      for (const key of table) if (key !== undefined) insertClean(next, key);
      table = next;
    }
  }
  return table.filter((key): key is number => key !== undefined);
}

/** WALK/RUN (§2.4). Mutates `context.graph`. */
function walk(context: Context, x: number): void {
  const { graph } = context;
  const c = context.character.id;
  const target = context.node(x);
  context.require(!context.sitting, 'is sitting');
  context.require(!context.lying, 'is lying');
  const targetRoom = context.room(x);
  context.require(targetRoom !== undefined, `cannot find the room of ${describe(target)}`);
  const oldRoom = context.room(c);
  // Upstream asserts the character has a room; a failure is the closest non-crashing behaviour.
  context.require(oldRoom !== undefined, 'is not in any room');
  if (targetRoom === undefined || oldRoom === undefined) return;
  const held = context.heldObjects();
  context.deleteEdgesOf(c, ['INSIDE', 'CLOSE', 'FACING']);
  graph.addEdge(c, 'INSIDE', targetRoom);
  if (!isRoom(target)) {
    for (const container of graph.targets(x, 'INSIDE')) {
      if (!isRoom(graph.getNode(container))) graph.addEdge(c, 'CLOSE', container, true);
    }
    for (const node of graph.nodes()) {
      if (node.properties.has('BODY_PART')) graph.addEdge(c, 'CLOSE', node.id, true);
    }
    graph.addEdge(c, 'CLOSE', x, true);
  }
  for (const h of held) {
    context.deleteEdgesOf(h, ['INSIDE', 'CLOSE', 'FACING']);
    graph.addEdge(c, 'CLOSE', h, true);
    graph.addEdge(h, 'INSIDE', oldRoom);
  }
  if (target.properties.has('CAN_OPEN')) {
    for (const inner of graph.sources(x, 'INSIDE')) graph.addEdge(c, 'CLOSE', inner, true);
  }
  for (const support of graph.targets(x, 'ON')) graph.addEdge(c, 'CLOSE', support, true);
}

function cleanDirty(context: Context, x: number): void {
  context.setStates(x, ['DIRTY'], ['CLEAN']);
}

function put(context: Context, a: number, b: number, relation: Relation): void {
  const { graph } = context;
  const c = context.character.id;
  for (const hand of HANDS) graph.removeEdge(c, hand, a);
  graph.addEdge(c, 'CLOSE', b, true);
  graph.addEdge(a, 'CLOSE', b, true);
  graph.addEdge(a, relation, b);
  graph.setGrabRecord(a, undefined);
}

/** Runs one action on `context.graph` (a private copy); throws {@link StepFailure} on a failed precondition. */
function apply(context: Context, script: ScriptLine): string | undefined {
  const { graph } = context;
  const c = context.character.id;
  const ids = script.parameters.map((parameter) => parameter.instance);
  const x = ids[0] ?? c;
  const xNode = context.node(x);
  const has = (property: string): boolean => xNode.properties.has(property);
  const state = (name: string): boolean => xNode.states.has(name);
  const action: ActionName = script.action;
  switch (action) {
    case 'WALK':
    case 'RUN':
      walk(context, x);
      return undefined;
    case 'FIND': {
      const onlyFind =
        graph.hasEdge(x, 'ON', c) ||
        has('BODY_PART') ||
        context.close(x) ||
        context.sitting ||
        context.lying;
      if (!onlyFind) {
        // Walk-then-find: the step's result is the WALK result (§2.4 FIND; JoinedExecutor fix, §2.7 bug 1).
        walk(context, x);
        return undefined;
      }
      context.require(context.close(x), `is not close to ${describe(xNode)}`);
      for (const edge of graph.edgesFrom(c, 'FACING')) graph.removeEdge(c, 'FACING', edge.to);
      graph.addEdge(c, 'CLOSE', x, true);
      return undefined;
    }
    case 'GRAB': {
      context.require(
        has('GRABBABLE') || xNode.className === 'water' || xNode.className === 'child',
        `cannot grab ${describe(xNode)}`,
      );
      context.require(graph.getGrabRecord(x) === undefined, `${describe(xNode)} already grabbed`);
      context.require(context.close(x), `is not close to ${describe(xNode)}`);
      context.require(!context.insideClosed(x), `${describe(xNode)} is inside a closed container`);
      const hand = context.freeHand();
      context.require(hand !== undefined, 'does not have a free hand');
      if (hand === undefined) return undefined;
      // F: first non-room node among X's ON, then INSIDE, then CLOSE targets, on the pre-step state.
      let origin: { destination: number; relation: Relation } | undefined;
      for (const relation of ['ON', 'INSIDE', 'CLOSE'] as const) {
        const found = pythonSetOrder(graph.targets(x, relation)).find(
          (t) => !isRoom(graph.getNode(t)),
        );
        if (found !== undefined) {
          origin = { destination: found, relation };
          break;
        }
      }
      const room = context.room(c);
      context.deleteEdgesOf(x, ['ON', 'INSIDE', 'CLOSE', 'HOLDS_LH', 'HOLDS_RH']);
      graph.addEdge(c, 'CLOSE', x, true);
      graph.addEdge(c, hand, x);
      if (room !== undefined) graph.addEdge(x, 'INSIDE', room);
      if (origin !== undefined) {
        graph.addEdge(c, 'CLOSE', origin.destination, true);
        graph.setGrabRecord(x, origin);
      }
      return undefined;
    }
    case 'OPEN':
    case 'CLOSE': {
      context.require(
        has('CAN_OPEN') || xNode.className === 'desk' || xNode.className === 'window',
        `${describe(xNode)} is not openable`,
      );
      context.require(context.close(x), `is not close to ${describe(xNode)}`);
      if (action === 'OPEN') {
        context.require(context.freeHand() !== undefined, 'does not have a free hand');
        context.require(state('CLOSED'), `${describe(xNode)} is not closed`);
        context.require(!state('ON'), `${describe(xNode)} is on`);
        context.setStates(x, ['CLOSED'], ['OPEN']);
      } else {
        context.require(state('OPEN'), `${describe(xNode)} is not open`);
        context.setStates(x, ['OPEN'], ['CLOSED']);
      }
      return undefined;
    }
    case 'PUTBACK':
    case 'PUTIN': {
      const b = ids[1] ?? c;
      const bNode = context.node(b);
      context.require(context.holding(x), `is not holding ${describe(xNode)}`);
      context.require(context.close(b), `is not close to ${describe(bNode)}`);
      if (action === 'PUTIN') {
        context.require(
          !bNode.properties.has('CAN_OPEN') || bNode.states.has('OPEN'),
          `${describe(bNode)} is not open or is not openable`,
        );
      }
      put(context, x, b, action === 'PUTIN' ? 'INSIDE' : 'ON');
      return undefined;
    }
    case 'PUTOBJBACK': {
      const record = graph.getGrabRecord(x);
      context.require(
        record !== undefined,
        `has no record of where ${describe(xNode)} was grabbed`,
      );
      if (record === undefined) return undefined;
      const destination = context.node(record.destination);
      const puttable =
        context.holding(x) &&
        context.close(record.destination) &&
        (record.relation !== 'INSIDE' ||
          !destination.properties.has('CAN_OPEN') ||
          destination.states.has('OPEN'));
      // HEAD quirk (§2.4 PUTOBJBACK): a failed puttable check yields the unchanged state, i.e. success.
      if (!puttable) return 'puttable check failed; state unchanged (upstream quirk)';
      put(context, x, record.destination, record.relation);
      return undefined;
    }
    case 'SWITCHON':
    case 'SWITCHOFF': {
      context.require(has('HAS_SWITCH'), `${describe(xNode)} has no switch`);
      context.require(context.close(x), `is not close to ${describe(xNode)}`);
      if (action === 'SWITCHON') {
        context.require(state('OFF'), `${describe(xNode)} is not off`);
        context.require(!state('PLUGGED_OUT'), `${describe(xNode)} is plugged out`);
        context.setStates(x, ['OFF'], ['ON']);
      } else {
        context.require(state('ON'), `${describe(xNode)} is not on`);
        context.setStates(x, ['ON'], ['OFF']);
      }
      return undefined;
    }
    case 'DRINK':
      context.require(has('DRINKABLE') || has('RECIPIENT'), `${describe(xNode)} is not drinkable`);
      context.require(context.holding(x), `is not holding ${describe(xNode)}`);
      return undefined;
    case 'TURNTO':
      for (const edge of graph.edgesFrom(c, 'FACING')) graph.removeEdge(c, 'FACING', edge.to);
      graph.addEdge(c, 'FACING', x);
      return undefined;
    case 'LOOKAT':
    case 'POINTAT':
      context.require(context.faces(x), `is not facing ${describe(xNode)}`);
      return undefined;
    case 'WIPE':
      context.require(context.close(x), `is not close to ${describe(xNode)}`);
      context.require(context.holdingAnything(), 'is not holding anything');
      cleanDirty(context, x);
      return undefined;
    case 'PUTON':
      context.require(context.holding(x), `is not holding ${describe(xNode)}`);
      context.require(has('CLOTHES'), `${describe(xNode)} is not clothes`);
      graph.addEdge(x, 'ON', c);
      for (const hand of HANDS) graph.removeEdge(c, hand, x);
      return undefined;
    case 'PUTOFF':
      // SPA's fork: check_putoff gets char_index and deletes `X ON char` (§2.7 bug 3).
      context.require(graph.hasEdge(x, 'ON', c), `is not wearing ${describe(xNode)}`);
      context.require(has('CLOTHES'), `${describe(xNode)} is not clothes`);
      graph.removeEdge(x, 'ON', c);
      return undefined;
    case 'GREET':
      context.require(has('PERSON'), `cannot greet ${describe(xNode)}`);
      return undefined;
    case 'DROP':
    case 'RELEASE': {
      context.require(context.holding(x), `is not holding ${describe(xNode)}`);
      for (const hand of HANDS) graph.removeEdge(c, hand, x);
      const room = context.room(c);
      if (room !== undefined) graph.addEdge(x, 'INSIDE', room);
      graph.setGrabRecord(x, undefined);
      return undefined;
    }
    case 'READ':
      context.require(has('READABLE'), `${describe(xNode)} is not readable`);
      context.require(context.holding(x), `is not holding ${describe(xNode)}`);
      return undefined;
    case 'TOUCH':
      context.require(context.close(x), `is not close to ${describe(xNode)}`);
      context.require(!context.insideClosed(x), `${describe(xNode)} is inside a closed container`);
      return undefined;
    case 'SIT': {
      context.require(context.close(x), `is not close to ${describe(xNode)}`);
      context.require(!context.sitting, 'is sitting');
      context.require(has('SITTABLE'), `${describe(xNode)} is not sittable`);
      const limit = SIT_LIMITS[xNode.className] ?? 1;
      context.require(graph.sources(x, 'ON').length < limit, `${describe(xNode)} is full`);
      graph.addEdge(c, 'ON', x);
      for (const faced of graph.targets(x, 'FACING')) graph.addEdge(c, 'FACING', faced);
      context.setStates(c, ['LYING'], ['SITTING']);
      return undefined;
    }
    case 'STANDUP':
      context.require(context.sitting || context.lying, 'is not sitting or lying');
      // The `char ON X` edge stays (§2.4 STANDUP).
      context.setStates(c, ['SITTING', 'LYING'], []);
      return undefined;
    case 'LIE': {
      context.require(context.close(x), `is not close to ${describe(xNode)}`);
      context.require(!context.lying, 'is lying');
      context.require(has('LIEABLE'), `${describe(xNode)} is not lieable`);
      const limit = LIE_LIMITS[xNode.className] ?? 1;
      context.require(graph.sources(x, 'ON').length < limit, `${describe(xNode)} is full`);
      graph.addEdge(c, 'ON', x);
      context.setStates(c, ['SITTING'], ['LYING']);
      return undefined;
    }
    case 'POUR': {
      const b = ids[1] ?? c;
      const bNode = context.node(b);
      context.require(has('POURABLE') || has('DRINKABLE'), `${describe(xNode)} is not pourable`);
      context.require(
        bNode.properties.has('RECIPIENT') ||
          ['hands_both', 'sponge', 'face'].includes(bNode.className),
        `${describe(bNode)} is not a recipient`,
      );
      context.require(context.holding(x), `is not holding ${describe(xNode)}`);
      context.require(context.close(b), `is not close to ${describe(bNode)}`);
      graph.addEdge(x, 'INSIDE', b);
      if (xNode.className === 'water') for (const hand of HANDS) graph.removeEdge(c, hand, x);
      return undefined;
    }
    case 'TYPE':
      context.require(context.close(x), `is not close to ${describe(xNode)}`);
      context.require(
        xNode.className === 'keyboard' || has('HAS_SWITCH'),
        `cannot type on ${describe(xNode)}`,
      );
      return undefined;
    case 'WATCH': {
      context.require(has('LOOKABLE'), `${describe(xNode)} is not lookable`);
      context.require(
        context.room(x) === context.room(c),
        `is not in the room of ${describe(xNode)}`,
      );
      context.require(context.faces(x), `is not facing ${describe(xNode)}`);
      if (xNode.className !== 'computer' && (context.sitting || context.lying)) {
        context.require(graph.hasEdge(c, 'FACING', x), `is not directly facing ${describe(xNode)}`);
      }
      return undefined;
    }
    case 'MOVE':
    case 'PUSH':
    case 'PULL':
      context.require(
        has('MOVABLE') ||
          action === 'PUSH' ||
          ['button', 'chair', 'curtain'].includes(xNode.className),
        `${describe(xNode)} is not movable`,
      );
      context.require(context.close(x), `is not close to ${describe(xNode)}`);
      context.require(!context.insideClosed(x), `${describe(xNode)} is inside a closed container`);
      context.require(context.freeHand() !== undefined, 'does not have a free hand');
      return undefined;
    case 'WASH':
    case 'RINSE':
    case 'SCRUB':
      context.require(context.close(x), `is not close to ${describe(xNode)}`);
      cleanDirty(context, x);
      return undefined;
    case 'SQUEEZE':
      context.require(context.freeHand() !== undefined, 'does not have a free hand');
      context.require(context.close(x), `is not close to ${describe(xNode)}`);
      context.require(
        has('CLOTHES') || SQUEEZABLE.has(xNode.className),
        `cannot squeeze ${describe(xNode)}`,
      );
      return undefined;
    case 'PLUGIN':
    case 'PLUGOUT':
      context.require(has('HAS_PLUG'), `${describe(xNode)} has no plug`);
      context.require(context.close(x), `is not close to ${describe(xNode)}`);
      context.require(context.freeHand() !== undefined, 'does not have a free hand');
      if (action === 'PLUGIN') {
        context.require(state('PLUGGED_OUT'), `${describe(xNode)} is not plugged out`);
        context.setStates(x, ['PLUGGED_OUT'], ['PLUGGED_IN']);
      } else {
        context.require(state('PLUGGED_IN'), `${describe(xNode)} is not plugged in`);
        context.setStates(x, ['PLUGGED_IN'], ['PLUGGED_OUT']);
      }
      return undefined;
    case 'CUT':
      context.require(context.freeHand() !== undefined, 'does not have a free hand');
      context.require(context.close(x), `is not close to ${describe(xNode)}`);
      context.require(has('EATABLE') && has('CUTTABLE'), `${describe(xNode)} is not cuttable`);
      context.require(
        context.heldObjects().some((h) => graph.getNode(h)?.className.includes('knife') === true),
        'is not holding a knife',
      );
      return undefined;
    case 'EAT':
      context.require(context.close(x), `is not close to ${describe(xNode)}`);
      context.require(
        has('EATABLE') ||
          graph.sources(x, 'ON').some((s) => graph.getNode(s)?.properties.has('EATABLE') === true),
        `${describe(xNode)} is not eatable`,
      );
      return undefined;
    case 'SLEEP':
    case 'WAKEUP':
      context.require(context.sitting || context.lying, 'is not sitting or lying');
      return undefined;
    case 'LOOKAT_SHORT':
    case 'LOOKAT_MEDIUM':
    case 'LOOKAT_LONG':
      // Upstream raises "Execution of ... is not supported" (§2.2); reported here as a failed step.
      throw new StepFailure(`Execution of ${action} is not supported`);
  }
}

/**
 * Executes one script line on a graph and returns the new state (research notes §2.4, with SPA's fixes of §2.7).
 *
 * @remarks
 * `line` is script text (`[GRAB] <cup> (1000)`, parsed with {@link parseScriptLine}, which throws
 * `ScriptParseError` on bad syntax) or an already parsed {@link ScriptLine}. Objects are selected by id only
 * (upstream `instance_selection=True`). Unless `options.inPlace`, the input graph is never modified: on success
 * `graph` is a new state; on a failed precondition `success` is false, `graph` is the input and `message` says why (§2.6). Character checks
 * read the *current* character node (SPA's fix of upstream bug 2), walk-then-find yields the walk's state
 * (bug 1), and PUTOFF removes `X ON char` (bug 3).
 */
export function executeScriptLine(
  graph: EnvironmentGraph,
  line: string | ScriptLine,
  options: ExecuteOptions = {},
): ExecuteResult {
  const script = typeof line === 'string' ? parseScriptLine(line) : line;
  const lineText = formatScriptLine(script);
  const characterId = options.characterId ?? graph.findCharacterId();
  const character = characterId === undefined ? undefined : graph.getNode(characterId);
  if (character === undefined) {
    return { success: false, graph, message: `no character node when executing "${lineText}"` };
  }
  const next = options.inPlace === true ? graph : graph.clone();
  const version = next.version;
  try {
    const note = apply(new Context(next, character, lineText), script);
    return note === undefined
      ? { success: true, graph: next }
      : { success: true, graph: next, message: note };
  } catch (error) {
    if (error instanceof StepFailure) {
      if (options.inPlace === true && next.version !== version) {
        return { success: false, graph, message: error.message, corrupted: true };
      }
      return { success: false, graph, message: error.message };
    }
    throw error;
  }
}

/** Options of {@link visibleNodes}. */
export interface VisibleNodesOptions {
  /**
   * The episode's initial graph. When given, an object with several INSIDE targets gets the parent
   * CPython's upstream code would pick (see {@link visibleNodes}); otherwise the last INSIDE target
   * in edge-list order.
   */
  readonly initial?: EnvironmentGraph;
}

/**
 * Ids of the nodes the character can see (upstream `utils.get_visible_nodes`, research notes §2.5), ascending.
 *
 * @remarks
 * As upstream: each node's parent is its **last** INSIDE target; the character's room is the
 * character's parent; the room's contents are collected recursively through **all** INSIDE edges;
 * a collected object is hidden if its parent is not a room and lacks `OPEN` (so a parent with no
 * open/closed state, such as a sink, hides its contents). Visible = non-hidden contents + every
 * room + every object the character holds.
 *
 * "Last" is an order question. Upstream reads the edges from `EnvironmentState.to_dict()`, which
 * lists the INSIDE targets of a node as a CPython set built from the targets added during the
 * episode (in the order they were added) followed by the initial graph's targets (in file order),
 * minus the removed ones; so with `options.initial` the parent is the last element of
 * {@link pythonSetOrder} of that sequence. This reproduces the 55 exact tasks' recorded
 * observations, where an object INSIDE both a room and a closed container is hidden or not
 * depending on that order. Without `options.initial`: the last INSIDE target in edge-list order.
 * A character without an INSIDE edge (upstream: `KeyError`) sees the rooms and what it holds.
 */
export function visibleNodes(
  graph: EnvironmentGraph,
  characterId: number,
  options: VisibleNodesOptions = {},
): number[] {
  const initial = options.initial;
  // One pass over the INSIDE edges: children (all edges) and the last target in edge-list order.
  const children = new Map<number, number[]>();
  const last = new Map<number, number>();
  const several = new Set<number>();
  for (const edge of graph.insideEdges()) {
    const list = children.get(edge.to);
    if (list === undefined) children.set(edge.to, [edge.from]);
    else list.push(edge.from);
    if (last.has(edge.from)) several.add(edge.from);
    last.set(edge.from, edge.to);
  }
  const parentOf = (id: number): number | undefined => {
    if (initial === undefined || !several.has(id)) return last.get(id);
    const targets = graph.targets(id, 'INSIDE');
    const added = targets.filter((to) => !initial.hasEdge(id, 'INSIDE', to));
    const kept = initial.targets(id, 'INSIDE').filter((to) => graph.hasEdge(id, 'INSIDE', to));
    const order = pythonSetOrder([...added, ...kept]);
    return order[order.length - 1];
  };
  const rooms = graph.roomIds();
  const visible = new Set<number>(rooms);
  const room = parentOf(characterId);
  if (room !== undefined) {
    const seen = new Set<number>();
    const stack = [...(children.get(room) ?? [])];
    while (stack.length > 0) {
      const id = stack.pop() as number;
      if (seen.has(id)) continue;
      seen.add(id);
      const parent = parentOf(id);
      const parentNode = parent === undefined ? undefined : graph.getNode(parent);
      if (isRoom(parentNode) || parentNode?.states.has('OPEN') === true) visible.add(id);
      for (const child of children.get(id) ?? []) stack.push(child);
    }
  }
  for (const hand of HANDS) for (const held of graph.targets(characterId, hand)) visible.add(held);
  return [...visible].sort((a, b) => a - b);
}

/**
 * Which of `ids` the character can see: the same answer as `visibleNodes(graph, characterId,
 * options).includes(id)` for each id, computed from each id upwards (O(its INSIDE ancestry)) instead
 * of over the whole room, which is what an observation needs.
 */
export function visibleAmong(
  graph: EnvironmentGraph,
  characterId: number,
  ids: readonly number[],
  options: VisibleNodesOptions = {},
): Set<number> {
  const initial = options.initial;
  const parentOf = (id: number): number | undefined => {
    const targets = graph.targets(id, 'INSIDE');
    if (targets.length < 2 || initial === undefined) return targets[targets.length - 1];
    const added = targets.filter((to) => !initial.hasEdge(id, 'INSIDE', to));
    const kept = initial.targets(id, 'INSIDE').filter((to) => graph.hasEdge(id, 'INSIDE', to));
    const order = pythonSetOrder([...added, ...kept]);
    return order[order.length - 1];
  };
  const room = parentOf(characterId);
  const held = new Set(HANDS.flatMap((hand) => graph.targets(characterId, hand)));
  /** Whether some chain of INSIDE edges leads from `id` to the room (upstream's recursive collection). */
  const inRoom = (id: number): boolean => {
    if (room === undefined) return false;
    const seen = new Set<number>([id]);
    const stack = [id];
    while (stack.length > 0) {
      const current = stack.pop() as number;
      for (const target of graph.targets(current, 'INSIDE')) {
        if (target === room) return true;
        if (!seen.has(target)) {
          seen.add(target);
          stack.push(target);
        }
      }
    }
    return false;
  };
  const out = new Set<number>();
  for (const id of ids) {
    const node = graph.getNode(id);
    if (isRoom(node) || held.has(id)) {
      out.add(id);
      continue;
    }
    if (!inRoom(id)) continue;
    const parent = parentOf(id);
    const parentNode = parent === undefined ? undefined : graph.getNode(parent);
    if (isRoom(parentNode) || parentNode?.states.has('OPEN') === true) out.add(id);
  }
  return out;
}
