/**
 * Reconstruction of initial graphs for the test tasks whose dataset `init_graph` is not available.
 *
 * @remarks
 * 439 of the 494 SPA/EVU test tasks have no known initial graph (data README, "What is not
 * available"). A dataset `init_graph` is its Trimmed base scene plus script objects (ids 1000+),
 * random distractors (2000+) and precondition states (same README, "Approximation"). This module
 * rebuilds, from the base scene and the task record alone, an initial graph from which the gold
 * program reproduces the record's `revised_graph` exactly (research note §3.3), and checks it.
 * The result is **not** the original graph: distractors that the goal does not mention are
 * missing, and states that the goal does not constrain are guesses, so observations can differ.
 * The rules, in the order they are applied, are documented on {@link reconstructInitialGraph}.
 */
import { InvalidArgumentError } from '@spa/core';
import {
  loadDatasetPrograms,
  loadSceneGraph,
  type SceneGraph,
  type SceneGraphEdge,
  type SceneGraphNode,
  type SceneNumber,
  VirtualhomeDataError,
} from './data';
import { readPackageJson } from './data-files';
import { compileGoal, computeRevisedGraph, type GoalEdge } from './goal';
import {
  EnvironmentGraph,
  executeScriptLine,
  parseScriptLine,
  removeDuplicateEdges,
  roomOf,
  type ScriptLine,
} from './sim/index';
import { getVirtualhomeTask, type VirtualhomeTaskRecord } from './tasks';

const SCENES: readonly SceneNumber[] = [1, 2, 3, 4, 5, 6, 7];

type MutableNode = {
  id: number;
  class_name: string;
  category: string;
  properties: string[];
  states: string[];
  prefab_name: string | null;
  bounding_box: unknown;
};

const edgeKey = (edge: { from_id: number; relation_type: string; to_id: number }): string =>
  `${edge.from_id} ${edge.relation_type} ${edge.to_id}`;

const makeEdge = (from: number, relation: string, to: number): SceneGraphEdge => ({
  from_id: from,
  relation_type: relation,
  to_id: to,
});

function characterOf(graph: SceneGraph): number {
  const node = graph.nodes.find((entry) => entry.class_name === 'character');
  if (node === undefined) {
    throw new VirtualhomeDataError({ source: 'scene-graphs.json.br', reason: 'no character node' });
  }
  return node.id;
}

function goalEdgeIds(record: VirtualhomeTaskRecord): Set<number> {
  const ids = new Set<number>();
  const goal = record.revised_graph;
  for (const edge of [...goal.revised_nodes, ...goal.revised_add_edges]) {
    ids.add(edge.from_id);
    ids.add(edge.to_id);
  }
  return ids;
}

/**
 * The base scenes consistent with a task record (research note §3.4, strict criterion).
 *
 * @remarks
 * A scene matches when every `object_id_dict` entry and every `revised_graph.nodes` entry with an
 * id below 1000 names a node of that scene with the same class, every id below 1000 in the goal's
 * edges is a node of the scene; when several scenes agree (a script-object-only
 * `object_id_dict` such as `{cat: 1000}`), the one whose character id occurs in the goal's edges
 * (gold programs move the character). Ids below 1000 are exactly the base scene's nodes (data
 * README, "Program dataset files").
 */
export function matchingScenes(record: VirtualhomeTaskRecord): SceneNumber[] {
  const edgeIds = goalEdgeIds(record);
  const agreeing = SCENES.filter((scene) => {
    const graph = loadSceneGraph(scene);
    const classes = new Map(graph.nodes.map((node) => [node.id, node.class_name]));
    const agrees = (id: number, className: unknown): boolean =>
      id >= 1000 || classes.get(id) === className;
    return (
      Object.entries(record.object_id_dict).every(([name, id]) => agrees(id, name)) &&
      record.revised_graph.nodes.every((node) => agrees(node.id as number, node.class_name)) &&
      [...edgeIds].every((id) => id >= 1000 || classes.has(id))
    );
  });
  if (agreeing.length <= 1) return agreeing;
  return agreeing.filter((scene) => edgeIds.has(characterOf(loadSceneGraph(scene))));
}

/**
 * The base scene of a task: the single scene of {@link matchingScenes}. Throws
 * `InvalidArgumentError` when none or several match.
 */
export function detectScene(record: VirtualhomeTaskRecord): SceneNumber {
  const scenes = matchingScenes(record);
  const [scene] = scenes;
  if (scene === undefined || scenes.length > 1) {
    throw new InvalidArgumentError({
      field: 'record',
      reason:
        scenes.length === 0
          ? `no base scene agrees with object_id_dict and revised_graph (task ${JSON.stringify(record.task)}, id ${record.id})`
          : `ambiguous base scene: ${scenes.join(', ')} (task ${JSON.stringify(record.task)}, id ${record.id})`,
    });
  }
  return scene;
}

// ---------------------------------------------------------------------------------------------
// Node templates for objects that are not in the base scene.

interface NodeTemplate {
  readonly category: string;
  readonly properties: readonly string[];
  readonly states: readonly string[];
}

let templatesCache: ReadonlyMap<string, NodeTemplate> | undefined;

/**
 * Class → template for nodes missing from the base scene, first source wins: the script objects
 * (ids 1000–1999) of the 518 scene-1 dataset graphs in file order, then the nodes of base scenes
 * 1–7, then `properties_data.json` (VirtualHome resources, MIT; research note §2.8) with category
 * `placable_objects` and no states. Node properties never change in the simulator (§2.4), and the
 * dataset's script objects of one class all share their base-scene class's properties.
 */
function nodeTemplates(): ReadonlyMap<string, NodeTemplate> {
  if (templatesCache !== undefined) return templatesCache;
  const templates = new Map<string, NodeTemplate>();
  for (const program of loadDatasetPrograms()) {
    for (const node of program.initGraphDiff.addedNodes) {
      if (node.id < 2000 && !templates.has(node.class_name)) templates.set(node.class_name, node);
    }
  }
  for (const scene of SCENES) {
    for (const node of loadSceneGraph(scene).nodes) {
      if (!templates.has(node.class_name)) templates.set(node.class_name, node);
    }
  }
  const properties = readPackageJson('resources/properties_data.json');
  if (properties === null || typeof properties !== 'object' || Array.isArray(properties)) {
    throw new VirtualhomeDataError({
      source: 'resources/properties_data.json',
      reason: 'expected an object',
    });
  }
  for (const [className, list] of Object.entries(properties as Record<string, unknown>)) {
    if (!templates.has(className) && Array.isArray(list)) {
      templates.set(className, {
        category: 'placable_objects',
        properties: list.filter((item): item is string => typeof item === 'string'),
        states: [],
      });
    }
  }
  templatesCache = templates;
  return templates;
}

// ---------------------------------------------------------------------------------------------
// Initial states.

const CLEANING = new Set(['WIPE', 'WASH', 'RINSE', 'SCRUB']);

function swap(states: Set<string>, remove: readonly string[], add: readonly string[]): void {
  for (const state of remove) states.delete(state);
  for (const state of add) states.add(state);
}

/**
 * Initial states by undoing the gold program's state effects backwards from final states.
 *
 * @remarks
 * `finalStates` gives, per node, the known (goal node) or assumed final states; the result holds
 * the inferred initial states of the same nodes (copies). Each step, last to first, first asserts
 * its effect on the state after it, then turns it into the state before it, following research
 * note §2.4:
 * - SWITCHON/SWITCHOFF: ON↔OFF; before SWITCHON also not PLUGGED_OUT. OPEN/CLOSE: OPEN↔CLOSED;
 *   before OPEN also not ON. PLUGIN/PLUGOUT: PLUGGED_IN↔PLUGGED_OUT.
 * - WIPE/WASH/RINSE/SCRUB discard DIRTY and add CLEAN: for a node in `changed` (a goal node) the
 *   first cleaning step of that node is taken to have found it DIRTY; otherwise cleaning is a
 *   no-op (the node was already CLEAN).
 * - PUTIN into a node with CAN_OPEN (per `hasProperty`) needs it OPEN before and after.
 * - Character: SIT adds SITTING (removes LYING), LIE the reverse; STANDUP removes both, so before it
 *   the character was LYING if the nearest earlier SIT/LIE is a LIE, SITTING if it is a SIT, and
 *   with neither, LYING when a SLEEP/WAKEUP comes earlier, else SITTING. SLEEP/WAKEUP need SITTING
 *   or LYING (chosen the same way) before and after.
 */
export function inferInitialStates(
  lines: readonly ScriptLine[],
  finalStates: ReadonlyMap<number, ReadonlySet<string>>,
  changed: ReadonlySet<number>,
  characterId: number,
  hasProperty: (id: number, property: string) => boolean = () => false,
): Map<number, Set<string>> {
  const states = new Map<number, Set<string>>();
  for (const [id, set] of finalStates) states.set(id, new Set(set));
  const get = (id: number): Set<string> => {
    let set = states.get(id);
    if (set === undefined) {
      set = new Set();
      states.set(id, set);
    }
    return set;
  };
  const firstCleaning = new Map<number, number>();
  lines.forEach((line, index) => {
    const x = line.parameters[0]?.instance;
    if (x !== undefined && CLEANING.has(line.action) && !firstCleaning.has(x))
      firstCleaning.set(x, index);
  });
  const restingState = (index: number): string => {
    for (let i = index - 1; i >= 0; i -= 1) {
      const action = lines[i]?.action;
      if (action === 'SIT') return 'SITTING';
      if (action === 'LIE') return 'LYING';
    }
    const sleepy = lines
      .slice(0, index)
      .some((line) => line.action === 'SLEEP' || line.action === 'WAKEUP');
    return sleepy ? 'LYING' : 'SITTING';
  };
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    const line = lines[index] as ScriptLine;
    const x = line.parameters[0]?.instance ?? characterId;
    const y = line.parameters[1]?.instance;
    switch (line.action) {
      case 'SWITCHON':
        swap(get(x), ['OFF'], ['ON']);
        swap(get(x), ['ON', 'PLUGGED_OUT'], ['OFF']);
        break;
      case 'SWITCHOFF':
        swap(get(x), ['ON'], ['OFF']);
        swap(get(x), ['OFF'], ['ON']);
        break;
      case 'OPEN': {
        swap(get(x), ['CLOSED'], ['OPEN']);
        const before = get(x);
        swap(before, ['OPEN'], ['CLOSED']);
        if (before.has('ON')) swap(before, ['ON'], ['OFF']);
        break;
      }
      case 'CLOSE':
        swap(get(x), ['OPEN'], ['CLOSED']);
        swap(get(x), ['CLOSED'], ['OPEN']);
        break;
      case 'PLUGIN':
        swap(get(x), ['PLUGGED_OUT'], ['PLUGGED_IN']);
        swap(get(x), ['PLUGGED_IN'], ['PLUGGED_OUT']);
        break;
      case 'PLUGOUT':
        swap(get(x), ['PLUGGED_IN'], ['PLUGGED_OUT']);
        swap(get(x), ['PLUGGED_OUT'], ['PLUGGED_IN']);
        break;
      case 'WIPE':
      case 'WASH':
      case 'RINSE':
      case 'SCRUB':
        swap(get(x), ['DIRTY'], ['CLEAN']);
        if (changed.has(x) && firstCleaning.get(x) === index) swap(get(x), ['CLEAN'], ['DIRTY']);
        break;
      case 'PUTIN':
        if (y !== undefined && hasProperty(y, 'CAN_OPEN')) swap(get(y), ['CLOSED'], ['OPEN']);
        break;
      case 'SIT':
        swap(get(characterId), ['LYING'], ['SITTING']);
        swap(get(characterId), ['SITTING'], []);
        break;
      case 'LIE':
        swap(get(characterId), ['SITTING'], ['LYING']);
        swap(get(characterId), ['LYING'], []);
        break;
      case 'STANDUP':
        swap(get(characterId), ['SITTING', 'LYING'], []);
        swap(get(characterId), [], [restingState(index)]);
        break;
      case 'SLEEP':
      case 'WAKEUP': {
        const character = get(characterId);
        if (!character.has('SITTING') && !character.has('LYING'))
          character.add(restingState(index));
        break;
      }
      default:
        break;
    }
  }
  return states;
}

// ---------------------------------------------------------------------------------------------
// Observations: classes of distractors.

interface ObservedItem {
  readonly className: string;
  readonly states: readonly string[];
}

/**
 * The `class is S1 and S2` items of a record's observations (research note §1.6, step 5), in
 * order of first appearance; relations (`a ON b`) and the held-objects suffix are skipped.
 */
export function observedItems(record: VirtualhomeTaskRecord): ObservedItem[] {
  const items: ObservedItem[] = [];
  const seen = new Set<string>();
  for (const observation of record.ObserANDState) {
    const body = observation
      .replace(/You have .*$/s, '')
      .trim()
      .replace(/\.$/, '');
    if (body === '') continue;
    for (const item of body.split(', ')) {
      const [className, rest] = item.split(' is ');
      if (className === undefined || className === '' || / (ON|BETWEEN) /.test(item)) continue;
      const states = rest === undefined ? [] : rest.split(' and ');
      const key = `${className}|${[...states].sort().join()}`;
      if (seen.has(key)) continue;
      seen.add(key);
      items.push({ className, states });
    }
  }
  return items;
}

// ---------------------------------------------------------------------------------------------
// Draft graph.

/** How distractors that the goal only shows as CLOSE to the character are placed. */
type CloseOnlyPlacement = { readonly kind: 'body-part' } | { readonly kind: 'inside'; id: number };

/** One reconstruction variant (see {@link reconstructInitialGraph}, rule 7). */
interface Variant {
  readonly closeOnly: CloseOnlyPlacement;
  /** Whether unplaced script objects start CLOSE to the object the character last went to. */
  readonly anchor: boolean;
}

interface Draft {
  readonly scene: SceneNumber;
  readonly characterId: number;
  readonly nodes: Map<number, MutableNode>;
  edges: SceneGraphEdge[];
  /** Keys of edges that must survive `remove_duplicate_edge`. */
  readonly protect: Set<string>;
}

interface GoalSets {
  readonly added: ReadonlySet<string>;
  readonly removed: ReadonlySet<string>;
  readonly nodes: ReadonlyMap<number, Readonly<Record<string, unknown>>>;
}

function goalSets(record: VirtualhomeTaskRecord): GoalSets {
  const goal = record.revised_graph;
  return {
    added: new Set(goal.revised_add_edges.map(edgeKey)),
    removed: new Set(goal.revised_nodes.map(edgeKey)),
    nodes: new Map(goal.nodes.map((node) => [node.id as number, node])),
  };
}

const stringList = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

const WALKS = new Set(['WALK', 'RUN', 'FIND']);

/** Ids mentioned by the goal but neither in the base scene nor in `object_id_dict` (distractors). */
function distractorIds(record: VirtualhomeTaskRecord, base: ReadonlySet<number>): number[] {
  const known = new Set(Object.values(record.object_id_dict));
  const ids = goalEdgeIds(record);
  for (const node of record.revised_graph.nodes) ids.add(node.id as number);
  return [...ids].filter((id) => !base.has(id) && !known.has(id)).sort((a, b) => a - b);
}

function buildDraft(
  record: VirtualhomeTaskRecord,
  scene: SceneNumber,
  lines: readonly ScriptLine[],
  variant: Variant,
): Draft {
  const placement = variant.closeOnly;
  const base = loadSceneGraph(scene);
  const characterId = characterOf(base);
  const goal = goalSets(record);
  const templates = nodeTemplates();
  const nodes = new Map<number, MutableNode>();
  const fromGoal = (id: number, node: MutableNode): MutableNode => {
    const target = goal.nodes.get(id);
    if (target === undefined) return node;
    return {
      ...node,
      class_name: typeof target.class_name === 'string' ? target.class_name : node.class_name,
      category: typeof target.category === 'string' ? target.category : node.category,
      properties: 'properties' in target ? stringList(target.properties) : node.properties,
      states: 'states' in target ? stringList(target.states) : node.states,
      prefab_name:
        typeof target.prefab_name === 'string' ? target.prefab_name : (node.prefab_name ?? null),
      bounding_box: target.bounding_box ?? node.bounding_box ?? null,
    };
  };
  for (const node of base.nodes) {
    nodes.set(
      node.id,
      fromGoal(node.id, {
        id: node.id,
        class_name: node.class_name,
        category: node.category,
        properties: [...node.properties],
        states: [...node.states],
        prefab_name: node.prefab_name ?? null,
        bounding_box: node.bounding_box ?? null,
      }),
    );
  }
  const baseIds = new Set(base.nodes.map((node) => node.id));

  // Script objects: class from object_id_dict, the rest from the goal node or a class template.
  const scriptObjects = Object.entries(record.object_id_dict)
    .filter(([, id]) => !baseIds.has(id))
    .sort((a, b) => a[1] - b[1]);
  for (const [className, id] of scriptObjects) {
    const template = templates.get(className);
    nodes.set(
      id,
      fromGoal(id, {
        id,
        class_name: className,
        category: template?.category ?? 'placable_objects',
        properties: [...(template?.properties ?? [])],
        states: [...(template?.states ?? [])],
        prefab_name: null,
        bounding_box: null,
      }),
    );
  }

  // Distractors: placed by the goal's removed edges; classes guessed from the observations.
  const distractors = distractorIds(record, baseIds);
  const goalEdges = [
    ...record.revised_graph.revised_nodes,
    ...record.revised_graph.revised_add_edges,
  ];
  const closeOnly = new Set(
    distractors.filter((id) =>
      goalEdges
        .filter((edge) => edge.from_id === id || edge.to_id === id)
        .every(
          (edge) =>
            edge.relation_type === 'CLOSE' &&
            (edge.from_id === characterId || edge.to_id === characterId),
        ),
    ),
  );
  const knownClasses = new Set([...nodes.values()].map((node) => node.class_name));
  const unexplained = observedItems(record).filter(
    (item) => item.className !== 'character' && !knownClasses.has(item.className),
  );
  let nextObserved = 0;
  for (const id of distractors) {
    if (nodes.has(id)) continue;
    let node: MutableNode;
    if (closeOnly.has(id) && placement.kind === 'body-part') {
      // The only BODY_PART class among the scene-1 dataset distractors (ids 2000+) is `hair`.
      node = {
        id,
        class_name: 'hair',
        category: 'placable_objects',
        properties: ['BODY_PART'],
        states: [],
        prefab_name: null,
        bounding_box: null,
      };
    } else {
      const observed = unexplained[nextObserved];
      if (observed !== undefined) nextObserved += 1;
      const className = observed?.className ?? 'unknown_object';
      const template = templates.get(className);
      node = {
        id,
        class_name: className,
        category: template?.category ?? 'placable_objects',
        properties: [...(template?.properties ?? [])],
        states: [...(observed?.states ?? template?.states ?? [])],
        prefab_name: null,
        bounding_box: null,
      };
    }
    nodes.set(id, fromGoal(id, node));
  }

  // Edges: base edges in base order without the character's edges and without edges the goal
  // adds; then the character's start room and the goal's removed edges (they held at the start).
  const added = goal.added;
  const edges: SceneGraphEdge[] = base.edges
    .filter((edge) => edge.from_id !== characterId && edge.to_id !== characterId)
    .filter((edge) => !added.has(edgeKey(edge)));
  const present = new Set(edges.map(edgeKey));
  const protect = new Set<string>();
  const append = (edge: SceneGraphEdge): void => {
    const key = edgeKey(edge);
    protect.add(key);
    if (present.has(key) || added.has(key)) return;
    present.add(key);
    edges.push(makeEdge(edge.from_id, edge.relation_type, edge.to_id));
  };
  const isRoomId = (id: number): boolean => nodes.get(id)?.category === 'Rooms';
  const removedEdges = record.revised_graph.revised_nodes;
  const startRoom =
    removedEdges.find(
      (edge) =>
        edge.from_id === characterId && edge.relation_type === 'INSIDE' && isRoomId(edge.to_id),
    )?.to_id ?? guessStartRoom(base, lines, nodes);
  if (startRoom !== undefined) append(makeEdge(characterId, 'INSIDE', startRoom));
  for (const edge of removedEdges) append(edge);

  // New objects without a room: the room of what they are ON or INSIDE (else left to repair).
  const baseGraph = sceneEnvironment(scene);
  const roomGuess = (id: number, depth: number): number | undefined => {
    if (isRoomId(id)) return id;
    if (baseIds.has(id)) return roomOf(baseGraph, id);
    if (depth > 4) return undefined;
    for (const relations of [['ON', 'INSIDE'], ['CLOSE']]) {
      for (const edge of edges) {
        if (edge.from_id === id && relations.includes(edge.relation_type)) {
          const room = roomGuess(edge.to_id, depth + 1);
          if (room !== undefined) return room;
        }
      }
    }
    return undefined;
  };
  if (placement.kind === 'inside') {
    for (const id of closeOnly) append(makeEdge(id, 'INSIDE', placement.id));
  }
  const placedByGoal = new Set(
    removedEdges
      .filter((edge) => edge.relation_type !== 'CLOSE' || edge.to_id !== characterId)
      .map((edge) => edge.from_id),
  );
  if (variant.anchor) {
    for (const [, id] of scriptObjects) {
      if (placedByGoal.has(id)) continue;
      const anchor = anchorOf(lines, id, (node) => nodes.get(node)?.category === 'Rooms');
      if (anchor === undefined) continue;
      append(makeEdge(anchor, 'CLOSE', id));
      append(makeEdge(id, 'CLOSE', anchor));
    }
  }
  for (const id of nodes.keys()) {
    if (baseIds.has(id) || (closeOnly.has(id) && placement.kind === 'body-part')) continue;
    const hasRoom = edges.some(
      (edge) => edge.from_id === id && edge.relation_type === 'INSIDE' && isRoomId(edge.to_id),
    );
    if (hasRoom) continue;
    const room = roomGuess(id, 0);
    if (room !== undefined) append(makeEdge(id, 'INSIDE', room));
  }

  // States.
  const finalStates = new Map<number, Set<string>>();
  for (const line of lines) {
    for (const parameter of line.parameters) {
      const node = nodes.get(parameter.instance);
      if (node !== undefined) finalStates.set(node.id, new Set(node.states));
    }
  }
  for (const [id] of goal.nodes) {
    const node = nodes.get(id);
    if (node !== undefined) finalStates.set(id, new Set(node.states));
  }
  finalStates.set(characterId, new Set(nodes.get(characterId)?.states ?? []));
  const initial = inferInitialStates(
    lines,
    finalStates,
    new Set(goal.nodes.keys()),
    characterId,
    (id, p) => nodes.get(id)?.properties.includes(p) === true,
  );
  for (const [id, states] of initial) {
    const node = nodes.get(id);
    if (node !== undefined) node.states = [...states];
  }
  return { scene, characterId, nodes, edges, protect };
}

/**
 * The object the character last went to (WALK/RUN/FIND/SIT/LIE target, not a room, not `id`)
 * before the first step that mentions `id`; `undefined` when there is none or that step walks to
 * `id` itself; objects grabbed before that step are skipped. Gold programs mostly "walk to the sink, find the water": in the exact dataset
 * graphs such script objects are CLOSE (both ways) to that object (e.g. seen line 2, water 1000
 * and sink 42; seen line 112, dishwasher 1001 and sink 231).
 */
function anchorOf(
  lines: readonly ScriptLine[],
  id: number,
  isRoom: (id: number) => boolean,
): number | undefined {
  const first = lines.findIndex((line) => line.parameters.some((p) => p.instance === id));
  const firstLine = lines[first];
  if (firstLine === undefined || firstLine.action === 'WALK' || firstLine.action === 'RUN')
    return undefined;
  const grabbed = new Set(
    lines
      .slice(0, first)
      .filter((line) => line.action === 'GRAB')
      .map((line) => line.parameters[0]?.instance),
  );
  for (let index = first - 1; index >= 0; index -= 1) {
    const line = lines[index] as ScriptLine;
    const target = line.parameters[0]?.instance;
    if (!MOVES.has(line.action) || target === undefined || target === id || isRoom(target))
      continue;
    if (grabbed.has(target)) continue;
    return target;
  }
  return undefined;
}

const MOVES = new Set(['WALK', 'RUN', 'FIND', 'SIT', 'LIE']);

/** The room of the first program object whose base-scene room is known, else the first room. */
function guessStartRoom(
  base: SceneGraph,
  lines: readonly ScriptLine[],
  nodes: ReadonlyMap<number, MutableNode>,
): number | undefined {
  const graph = sceneEnvironmentFor(base);
  for (const line of lines) {
    if (!WALKS.has(line.action)) continue;
    const id = line.parameters[0]?.instance;
    if (id === undefined) continue;
    const room = roomOf(graph, id);
    if (room !== undefined) return room;
  }
  return [...nodes.values()].find((node) => node.category === 'Rooms')?.id;
}

const environmentCache = new WeakMap<SceneGraph, EnvironmentGraph>();

function sceneEnvironmentFor(graph: SceneGraph): EnvironmentGraph {
  let environment = environmentCache.get(graph);
  if (environment === undefined) {
    environment = EnvironmentGraph.fromJson(graph);
    environmentCache.set(graph, environment);
  }
  return environment;
}

function sceneEnvironment(scene: SceneNumber): EnvironmentGraph {
  return sceneEnvironmentFor(loadSceneGraph(scene));
}

/**
 * The draft's edge list, arranged so that every protected edge survives `remove_duplicate_edge`.
 *
 * @remarks
 * `remove_duplicate_edge` deletes every `(container CLOSE obj)` with its `(obj INSIDE container)`
 * (research note §1.8), yet goals remove such pairs (e.g. a grabbed object's edges), so they held
 * after the clean-up. Its Python-style iteration skips the element that follows a deleted one
 * (§1.8), so a protected edge lost in the clean-up is moved to just after an edge that the
 * clean-up deletes; the placement is kept only if the clean-up then keeps every protected edge.
 */
function arrangeEdges(
  edges: readonly SceneGraphEdge[],
  protect: ReadonlySet<string>,
): { raw: SceneGraphEdge[]; kept: SceneGraphEdge[] } {
  let raw = [...edges];
  let kept = removeDuplicateEdges(raw);
  // Only protected edges are checked; keys are built for edges leaving their source nodes only.
  const sources = new Set([...protect].map((key) => Number(key.split(' ')[0])));
  const protectedKeys = (list: readonly SceneGraphEdge[]): string[] =>
    list
      .filter((entry) => sources.has(entry.from_id))
      .map(edgeKey)
      .filter((key) => protect.has(key));
  const lostOf = (list: readonly SceneGraphEdge[], survivors: readonly SceneGraphEdge[]) => {
    const keys = new Set(protectedKeys(survivors));
    return protectedKeys(list).filter((key) => !keys.has(key));
  };
  let lost = lostOf(raw, kept);
  const failed = new Set<string>();
  for (let round = 0; round < 12; round += 1) {
    const key = lost.find((entry) => !failed.has(entry));
    if (key === undefined) break;
    const edge = raw.find((entry) => edgeKey(entry) === key) as SceneGraphEdge;
    // The edge whose processing deletes `key`: `key` itself, or for a lost `z INSIDE w` the
    // `w R z` edge that takes it along as its reverse.
    const movers = [edge];
    if (edge.relation_type === 'INSIDE') {
      movers.unshift(
        ...raw.filter((entry) => entry.from_id === edge.to_id && entry.to_id === edge.from_id),
      );
    }
    let placed = false;
    for (const mover of movers) {
      const moverKey = edgeKey(mover);
      const without = raw.filter((entry) => entry !== mover);
      const keptKeys = new Set(kept.map(edgeKey));
      const slots = without
        .map((entry, index) => ({ entry, index }))
        .filter(({ entry }) => !keptKeys.has(edgeKey(entry)) && !protect.has(edgeKey(entry)))
        .sort(
          (a, b) =>
            Number(a.entry.relation_type === 'INSIDE') - Number(b.entry.relation_type === 'INSIDE'),
        )
        .slice(0, 12);
      for (const { index } of slots) {
        const trial = [...without.slice(0, index + 1), mover, ...without.slice(index + 1)];
        const trialKept = removeDuplicateEdges(trial);
        const trialLost = lostOf(trial, trialKept);
        if (!trialLost.includes(key) && trialLost.length < lost.length) {
          raw = trial;
          kept = trialKept;
          lost = trialLost;
          placed = true;
          break;
        }
      }
      if (placed || moverKey === key) break;
    }
    if (!placed) failed.add(key);
  }
  return { raw, kept };
}

function draftGraph(draft: Draft): { graph: SceneGraph; kept: SceneGraphEdge[] } {
  const { raw, kept } = arrangeEdges(draft.edges, draft.protect);
  const nodes = [...draft.nodes.values()].map((node) => ({ ...node })) as SceneGraphNode[];
  return { graph: { nodes, edges: raw }, kept };
}

interface Run {
  readonly start: EnvironmentGraph;
  readonly end: EnvironmentGraph;
  /** State before each step (and the final one at index `lines.length` when all succeed). */
  readonly before: EnvironmentGraph[];
  readonly failedAt?: number;
  readonly message?: string;
}

function runProgram(
  nodes: readonly SceneGraphNode[],
  kept: readonly SceneGraphEdge[],
  lines: readonly ScriptLine[],
): Run {
  const start = EnvironmentGraph.fromJson({ nodes, edges: kept });
  let current = start;
  const before: EnvironmentGraph[] = [];
  for (const [index, line] of lines.entries()) {
    before.push(current);
    const result = executeScriptLine(current, line);
    if (!result.success) {
      return {
        start,
        end: current,
        before,
        failedAt: index,
        ...(result.message === undefined ? {} : { message: result.message }),
      };
    }
    current = result.graph;
  }
  return { start, end: current, before };
}

/** Failure message fragment → the property that would make the step pass (executor messages). */
const PROPERTY_FIXES: readonly (readonly [string, string])[] = [
  ['cannot grab', 'GRABBABLE'],
  ['is not openable', 'CAN_OPEN'],
  ['has no switch', 'HAS_SWITCH'],
  ['is not drinkable', 'DRINKABLE'],
  ['is not clothes', 'CLOTHES'],
  ['cannot greet', 'PERSON'],
  ['is not readable', 'READABLE'],
  ['is not sittable', 'SITTABLE'],
  ['is not lieable', 'LIEABLE'],
  ['is not pourable', 'POURABLE'],
  ['is not a recipient', 'RECIPIENT'],
  ['is not lookable', 'LOOKABLE'],
  ['is not movable', 'MOVABLE'],
  ['has no plug', 'HAS_PLUG'],
  ['is not eatable', 'EATABLE'],
];

/** State fixes: failure fragment → [states to remove, states to add] at the start. */
const STATE_FIXES: readonly (readonly [string, readonly string[], readonly string[]])[] = [
  ['is plugged out', ['PLUGGED_OUT'], ['PLUGGED_IN']],
  ['is not off', ['ON'], ['OFF']],
  ['is not on', ['OFF'], ['ON']],
  ['is not closed', ['OPEN'], ['CLOSED']],
  ['is not open', ['CLOSED'], ['OPEN']],
  ['is not plugged out', ['PLUGGED_IN'], ['PLUGGED_OUT']],
  ['is not plugged in', ['PLUGGED_OUT'], ['PLUGGED_IN']],
];

/**
 * Repairs the draft after a failed step; false when the failure has no known repair.
 *
 * @remarks
 * - "cannot find the room of X": X starts INSIDE the character's room at that step (every
 *   dataset script object and distractor is INSIDE a room; §2.1 id conventions).
 * - "is not close to X" before any move of the character: the character starts CLOSE to X.
 * - "X is inside a closed container": X's closed containers start OPEN.
 * - a missing property on a node the goal does not describe: the property is added.
 * - a state precondition (`is not off`, `is plugged out`, …; sitting/lying): the start state is
 *   changed to satisfy it.
 */
function repairFailure(
  draft: Draft,
  run: Run,
  lines: readonly ScriptLine[],
  goal: GoalSets,
): boolean {
  const index = run.failedAt;
  const message = run.message ?? '';
  if (index === undefined) return false;
  const state = run.before[index] as EnvironmentGraph;
  const c = draft.characterId;
  const target = (pattern: string): number | undefined => {
    const match = new RegExp(`<[^>]*> \\((\\d+)\\) ${pattern}`).exec(message);
    return match?.[1] === undefined ? undefined : Number(match[1]);
  };
  const addEdge = (from: number, relation: string, to: number): boolean => {
    const key = `${from} ${relation} ${to}`;
    if (draft.edges.some((edge) => edgeKey(edge) === key)) return false;
    draft.edges.push(makeEdge(from, relation, to));
    draft.protect.add(key);
    return true;
  };
  const setStates = (id: number, remove: readonly string[], add: readonly string[]): boolean => {
    const node = draft.nodes.get(id);
    if (node === undefined) return false;
    const states = new Set(node.states);
    swap(states, remove, add);
    if ([...states].sort().join() === [...node.states].sort().join()) return false;
    node.states = [...states];
    return true;
  };
  const roomless = /cannot find the room of <[^>]*> \((\d+)\)/.exec(message)?.[1];
  if (roomless !== undefined) {
    const room = roomOf(state, c);
    return room !== undefined && addEdge(Number(roomless), 'INSIDE', room);
  }
  const far = /is not close to <[^>]*> \((\d+)\)/.exec(message)?.[1];
  if (far !== undefined) {
    const x = Number(far);
    const moved = lines.slice(0, index).some((line) => WALKS.has(line.action));
    if (!moved) {
      const a = addEdge(c, 'CLOSE', x);
      const b = addEdge(x, 'CLOSE', c);
      return a || b;
    }
    // The most recent object the character went to and is still CLOSE to starts CLOSE to X.
    for (let i = index - 1; i >= 0; i -= 1) {
      const line = lines[i] as ScriptLine;
      const y = line.parameters[0]?.instance;
      if (!MOVES.has(line.action) || y === undefined || y === x || !state.hasEdge(c, 'CLOSE', y))
        continue;
      const a = addEdge(y, 'CLOSE', x);
      const b = addEdge(x, 'CLOSE', y);
      return a || b;
    }
    return false;
  }
  const full = target('is full');
  if (full !== undefined) {
    // Other objects ON it (the dataset graphs move some base objects, e.g. 409 ON 352 in scene 1).
    const before = draft.edges.length;
    draft.edges = draft.edges.filter(
      (edge) => !(edge.to_id === full && edge.relation_type === 'ON' && edge.from_id !== c),
    );
    return draft.edges.length < before;
  }
  const enclosed = target('is inside a closed container');
  if (enclosed !== undefined) {
    let changed = false;
    for (const container of state.targets(enclosed, 'INSIDE')) {
      const node = state.getNode(container);
      if (node !== undefined && node.category !== 'Rooms' && node.states.has('CLOSED'))
        changed = setStates(container, ['CLOSED'], ['OPEN']) || changed;
    }
    return changed;
  }
  for (const [fragment, property] of PROPERTY_FIXES) {
    const id = target(fragment);
    if (id === undefined) continue;
    const node = draft.nodes.get(id);
    if (node === undefined || goal.nodes.has(id) || node.properties.includes(property))
      return false;
    node.properties = [...node.properties, property];
    return true;
  }
  for (const [fragment, remove, add] of STATE_FIXES) {
    const id = target(fragment);
    if (id !== undefined) return setStates(id, remove, add);
  }
  if (/ is (sitting|lying) when/.test(message)) return setStates(c, ['SITTING', 'LYING'], []);
  return false;
}

/**
 * Repairs the draft from the differences between the simulated and the recorded goal diff:
 * an edge added by the run but not by the goal held at the start (it is added); an edge removed by
 * the run but not by the goal was absent at the start (it is dropped); a node changed by the run
 * but absent from the goal's nodes started in its final states. True when something changed.
 */
function repairDiff(draft: Draft, run: Run, lines: readonly ScriptLine[], goal: GoalSets): boolean {
  const diff = computeRevisedGraph(run.start, run.end);
  let changed = false;
  const present = new Set(draft.edges.map(edgeKey));
  for (const edge of diff.revised_add_edges) {
    const key = edgeKey(edge);
    if (goal.added.has(key) || present.has(key)) continue;
    draft.edges.push(makeEdge(edge.from_id, edge.relation_type, edge.to_id));
    draft.protect.add(key);
    present.add(key);
    changed = true;
  }
  const drop = new Set(
    diff.revised_nodes.map(edgeKey).filter((key) => !goal.removed.has(key) && present.has(key)),
  );
  if (drop.size > 0) {
    draft.edges = draft.edges.filter((edge) => !drop.has(edgeKey(edge)));
    for (const key of drop) draft.protect.delete(key);
    changed = true;
  }
  // A missing `char CLOSE z`: z may sit INSIDE an object the character walked to, by a base edge
  // that remove_duplicate_edge dropped here but not in the dataset's edge order (e.g. hangers
  // INSIDE dressers, research note §1.8): keep z's INSIDE edges.
  const gotAdded = new Set(diff.revised_add_edges.map(edgeKey));
  const c = draft.characterId;
  for (const key of goal.added) {
    if (gotAdded.has(key)) continue;
    const [from, relation, to] = key.split(' ');
    if (relation !== 'CLOSE' || Number(from) !== c) continue;
    for (const edge of draft.edges) {
      if (edge.from_id !== Number(to) || edge.relation_type !== 'INSIDE') continue;
      if (draft.nodes.get(edge.to_id)?.category === 'Rooms' || draft.protect.has(edgeKey(edge)))
        continue;
      draft.protect.add(edgeKey(edge));
      changed = true;
    }
  }
  if (!changed) changed = repairFindWalk(draft, run, lines, goal, gotAdded);
  for (const node of diff.nodes) {
    const id = node.id as number;
    if (goal.nodes.has(id)) continue;
    const draftNode = draft.nodes.get(id);
    const finalStates = stringList(node.states);
    if (
      draftNode !== undefined &&
      finalStates.sort().join() !== [...draftNode.states].sort().join()
    ) {
      draftNode.states = finalStates;
      changed = true;
    }
  }
  return changed;
}

/** close(char, X) with the one-hop loose rule (research note §2.3). */
function isClose(graph: EnvironmentGraph, c: number, x: number): boolean {
  if (graph.hasEdge(c, 'CLOSE', x)) return true;
  return graph
    .targets(c, 'CLOSE')
    .some((y) => graph.hasEdge(y, 'CLOSE', x) || graph.hasEdge(x, 'ON', y));
}

/**
 * A FIND that walked (its target was not close) although the goal keeps CLOSE edges that the walk
 * deleted: the target started CLOSE (both ways) to the most recent object the character went to,
 * did not grab, and is still CLOSE to, so that FIND only finds (research note §2.4 FIND).
 */
function repairFindWalk(
  draft: Draft,
  run: Run,
  lines: readonly ScriptLine[],
  goal: GoalSets,
  gotAdded: ReadonlySet<string>,
): boolean {
  const c = draft.characterId;
  const missing = new Set<number>();
  for (const key of goal.added) {
    const [from, relation, to] = key.split(' ');
    if (!gotAdded.has(key) && relation === 'CLOSE' && Number(from) === c) missing.add(Number(to));
  }
  if (missing.size === 0) return false;
  for (const [index, line] of lines.entries()) {
    const x = line.parameters[0]?.instance;
    const state = run.before[index];
    if (line.action !== 'FIND' || x === undefined || state === undefined) continue;
    if (isClose(state, c, x) || state.getNode(c)?.states.has('SITTING') === true) continue;
    if (![...missing].some((z) => state.hasEdge(c, 'CLOSE', z))) continue;
    const grabbed = new Set(
      lines
        .slice(0, index)
        .filter((entry) => entry.action === 'GRAB')
        .map((entry) => entry.parameters[0]?.instance),
    );
    for (let i = index - 1; i >= 0; i -= 1) {
      const previous = lines[i] as ScriptLine;
      const y = previous.parameters[0]?.instance;
      if (!MOVES.has(previous.action) || y === undefined || y === x || grabbed.has(y)) continue;
      if (!state.hasEdge(c, 'CLOSE', y)) continue;
      const key = `${y} CLOSE ${x}`;
      if (draft.edges.some((edge) => edgeKey(edge) === key)) return false;
      draft.edges.push(makeEdge(y, 'CLOSE', x), makeEdge(x, 'CLOSE', y));
      draft.protect.add(key);
      draft.protect.add(`${x} CLOSE ${y}`);
      return true;
    }
    return false;
  }
  return false;
}

const MAX_REPAIRS = 16;

function reconstructWith(
  record: VirtualhomeTaskRecord,
  scene: SceneNumber,
  lines: readonly ScriptLine[],
  variant: Variant,
): { graph: SceneGraph; validation: InitialGraphValidation } {
  const draft = buildDraft(record, scene, lines, variant);
  const goal = goalSets(record);
  for (let round = 0; ; round += 1) {
    const { graph, kept } = draftGraph(draft);
    const run = runProgram(graph.nodes, kept, lines);
    const changed =
      round < MAX_REPAIRS &&
      (run.failedAt === undefined
        ? repairDiff(draft, run, lines, goal)
        : repairFailure(draft, run, lines, goal));
    if (!changed) return { graph, validation: judgeRun(record, run) };
  }
}

function variants(
  record: VirtualhomeTaskRecord,
  scene: SceneNumber,
  lines: readonly ScriptLine[],
): Variant[] {
  const placements = closeOnlyPlacements(record, scene, lines);
  return [true, false].flatMap((anchor) => placements.map((closeOnly) => ({ closeOnly, anchor })));
}

function closeOnlyPlacements(
  record: VirtualhomeTaskRecord,
  scene: SceneNumber,
  lines: readonly ScriptLine[],
): CloseOnlyPlacement[] {
  const base = loadSceneGraph(scene);
  const baseIds = new Set(base.nodes.map((node) => node.id));
  const options: CloseOnlyPlacement[] = [{ kind: 'body-part' }];
  if (distractorIds(record, baseIds).length === 0) return options;
  const templates = nodeTemplates();
  const classOf = new Map<number, string>(base.nodes.map((node) => [node.id, node.class_name]));
  for (const [name, id] of Object.entries(record.object_id_dict)) classOf.set(id, name);
  const propertiesOf = (id: number): readonly string[] => {
    const goalNode = record.revised_graph.nodes.find((node) => node.id === id);
    if (goalNode !== undefined) return stringList(goalNode.properties);
    const baseNode = base.nodes.find((node) => node.id === id);
    if (baseNode !== undefined) return baseNode.properties;
    return templates.get(classOf.get(id) ?? '')?.properties ?? [];
  };
  const seen = new Set<number>();
  for (const line of lines) {
    const id = line.parameters[0]?.instance;
    if (!WALKS.has(line.action) || id === undefined || seen.has(id)) continue;
    seen.add(id);
    if (propertiesOf(id).includes('CAN_OPEN')) options.push({ kind: 'inside', id });
  }
  return options;
}

function parseProgram(record: VirtualhomeTaskRecord): ScriptLine[] {
  return record.new_program_lines.map((line, index) => {
    try {
      return parseScriptLine(line);
    } catch (error) {
      throw new InvalidArgumentError({
        field: `record.new_program_lines[${index}]`,
        reason: `cannot parse ${JSON.stringify(line)}`,
        cause: error,
      });
    }
  });
}

/**
 * Rebuilds an initial graph for a task record from its base scene (deterministic).
 *
 * @remarks
 * Rules, in order (research note = `shared/research/virtualhome.md`, data README =
 * `shared/data/virtualhome/README.md`):
 * 1. **Scene**: {@link detectScene} (research note §3.4). Throws `InvalidArgumentError` when no
 *    scene or several scenes match, or a program line does not parse.
 * 2. **Nodes**: the base scene's nodes in base order (ids below 1000 are exactly the base scene,
 *    data README), then the script objects of `object_id_dict` (ids 1000+) and the distractors
 *    the goal mentions (ids 2000+), by id. A goal node (`revised_graph.nodes`, the final dict,
 *    §3.3) fixes class, category, properties and (final) states, since properties never change
 *    (§2.4). Otherwise script objects take category/properties/states from a class template
 *    (`nodeTemplates`: dataset script objects, base scenes, `properties_data.json`). Distractors
 *    the goal only shows as CLOSE to the character are either body parts (WALK makes the
 *    character CLOSE to every BODY_PART node, §2.4; class `hair`, the only BODY_PART class among
 *    the scene-1 dataset distractors) or INSIDE a CAN_OPEN object the character walks to (WALK
 *    makes it CLOSE to everything inside such an object, §2.4); the other distractors get, in
 *    order, the classes and states of observation items (§1.6) that no other node explains, else
 *    class `unknown_object`. These classes only affect observations, never the goal.
 * 3. **Edges**: the base edges in base order minus every edge of the character (the 55 exact
 *    dataset graphs have none but `char INSIDE room`) and minus the goal's added edges (absent at
 *    the start by definition, §3.3); then `char INSIDE start room` (the removed
 *    `char INSIDE r`, else the base room of the first walked-to object); then every removed goal
 *    edge (present at the start, §3.3), e.g. `1000 ON 354` removed ⇒ object 1000 started on 354;
 *    then, in the "anchored" variant, `Y CLOSE X` and `X CLOSE Y` for a script object X that no
 *    removed edge places, Y the object the character last went to before X is first used
 *    (`anchorOf`); then `X INSIDE room` for every new node, the room of what it is ON/INSIDE/CLOSE
 *    to (every dataset script object and distractor is INSIDE a room).
 * 4. **States**: {@link inferInitialStates} from the goal nodes' final states (others: the base
 *    scene's or template's states, assumed unchanged).
 * 5. **Repair** (up to 16 rounds): the gold program is run from the draft after
 *    `remove_duplicate_edge` (§1.8, §3.3); a failed step is repaired by `repairFailure`, a
 *    finished run by `repairDiff` (edges the run adds but the goal does not were already there;
 *    edges it removes but the goal does not were not there; a `char CLOSE z` the goal keeps but
 *    the run lost means z's INSIDE edges must survive the clean-up, or a FIND that walked should
 *    only have found, `repairFindWalk`).
 * 6. **Edge order**: edges that `remove_duplicate_edge` would delete although the goal needs them
 *    at the start are moved into the clean-up's skip slots (`arrangeEdges`, §1.8).
 * 7. Steps 2–6 are tried for each variant: anchored first, then not; within each, the CLOSE-only
 *    distractors as body parts first, then inside each CAN_OPEN walk target in program order.
 *    The first graph that passes {@link validateInitialGraph} is returned, else the first one.
 *
 * The graph is not the original dataset graph (distractors not in the goal are missing and
 * unconstrained states are guesses), so observations can differ from the record's.
 */
export function reconstructInitialGraph(record: VirtualhomeTaskRecord): {
  scene: SceneNumber;
  graph: SceneGraph;
} {
  const { scene, graph } = reconstructAndValidate(record);
  return { scene, graph };
}

/**
 * {@link reconstructInitialGraph} together with the {@link validateInitialGraph} result of the
 * returned graph, computed from the same run (saves replaying the program a second time).
 */
export function reconstructAndValidate(record: VirtualhomeTaskRecord): {
  scene: SceneNumber;
  graph: SceneGraph;
  validation: InitialGraphValidation;
} {
  const scene = detectScene(record);
  const lines = parseProgram(record);
  let first: { graph: SceneGraph; validation: InitialGraphValidation } | undefined;
  for (const variant of variants(record, scene, lines)) {
    const result = reconstructWith(record, scene, lines, variant);
    if (result.validation.ok) return { scene, ...result };
    first ??= result;
  }
  if (first === undefined) throw new Error('unreachable: no reconstruction variant');
  return { scene, ...first };
}

/** Result of {@link validateInitialGraph}. */
export interface InitialGraphValidation {
  /** True when the gold program runs and reproduces the record's goal exactly. */
  readonly ok: boolean;
  /** Human-readable differences (empty when `ok`). */
  readonly mismatches: string[];
  /** Whether the goal already holds at the start (after `remove_duplicate_edge`). */
  readonly satisfiedAtStart: boolean;
}

const listPreview = (keys: readonly string[]): string =>
  keys.length <= 6 ? keys.join(', ') : `${keys.slice(0, 6).join(', ')}, … (${keys.length})`;

/**
 * Checks an initial graph against a task record (research note §3.3).
 *
 * @remarks
 * From `graph` after `removeDuplicateEdges` (§1.8), every line of `new_program_lines` must
 * succeed; the diff of {@link computeRevisedGraph} must equal the record's added and removed edges
 * as sets; every record node must have, at the end, the record's states as a set; every node the
 * diff reports changed must be a record node (the record also lists nodes whose only change is
 * list order, §3.3); and `compileGoal(record.revised_graph)` must hold at the end.
 */
export function validateInitialGraph(
  record: VirtualhomeTaskRecord,
  graph: SceneGraph,
): InitialGraphValidation {
  let lines: ScriptLine[];
  let run: Run;
  try {
    lines = parseProgram(record);
    run = runProgram(graph.nodes, removeDuplicateEdges(graph.edges), lines);
  } catch (error) {
    return {
      ok: false,
      mismatches: [`cannot run: ${error instanceof Error ? error.message : String(error)}`],
      satisfiedAtStart: false,
    };
  }
  return judgeRun(record, run);
}

/** The checks of {@link validateInitialGraph} on a finished (or failed) run. */
function judgeRun(record: VirtualhomeTaskRecord, run: Run): InitialGraphValidation {
  const mismatches: string[] = [];
  const { start, end } = run;
  const goal = compileGoal(record.revised_graph);
  const satisfiedAtStart = goal.isSatisfied(start);
  if (run.failedAt !== undefined) {
    const line = record.new_program_lines[run.failedAt] ?? '';
    mismatches.push(`step ${run.failedAt + 1} ${line} failed: ${run.message ?? ''}`);
    return { ok: false, mismatches, satisfiedAtStart };
  }
  const diff = computeRevisedGraph(start, end);
  const compare = (name: string, got: readonly GoalEdge[], want: readonly GoalEdge[]): void => {
    const gotKeys = new Set(got.map(edgeKey));
    const wantKeys = new Set(want.map(edgeKey));
    const extra = [...gotKeys].filter((key) => !wantKeys.has(key));
    const missing = [...wantKeys].filter((key) => !gotKeys.has(key));
    if (extra.length > 0) mismatches.push(`${name}: unexpected ${listPreview(extra)}`);
    if (missing.length > 0) mismatches.push(`${name}: missing ${listPreview(missing)}`);
  };
  compare('added edges', diff.revised_add_edges, record.revised_graph.revised_add_edges);
  compare('removed edges', diff.revised_nodes, record.revised_graph.revised_nodes);
  const goalIds = new Set(record.revised_graph.nodes.map((node) => node.id as number));
  for (const node of record.revised_graph.nodes) {
    const id = node.id as number;
    const want = stringList(node.states).sort().join();
    const got = [...(end.getNode(id)?.states ?? [])].sort().join();
    if (want !== got) mismatches.push(`node ${id} states: [${got}], expected [${want}]`);
  }
  const unlisted = diff.nodes.map((node) => node.id as number).filter((id) => !goalIds.has(id));
  if (unlisted.length > 0)
    mismatches.push(`nodes changed but not in the goal: ${unlisted.join(', ')}`);
  if (!goal.isSatisfied(end))
    mismatches.push(`goal not satisfied: ${listPreview(goal.unmet(end))}`);
  return { ok: mismatches.length === 0, mismatches, satisfiedAtStart };
}

let keysCache: ReadonlySet<string> | undefined;

/**
 * Keys (`<split>:<line>`) of the tasks whose reconstructed initial graph passes
 * {@link validateInitialGraph}: `data/reconstructed-tasks.json`, written by
 * `scripts/build-reconstructed.ts`. Cached.
 */
export function reconstructedTaskKeys(): ReadonlySet<string> {
  if (keysCache !== undefined) return keysCache;
  const value = readPackageJson('reconstructed-tasks.json');
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new VirtualhomeDataError({
      source: 'reconstructed-tasks.json',
      reason: 'expected a JSON array of task keys',
    });
  }
  keysCache = Object.freeze(new Set(value as string[]));
  return keysCache;
}

const graphCache = new Map<string, SceneGraph>();

/**
 * The reconstructed initial graph of a task listed in {@link reconstructedTaskKeys}, else
 * `undefined`. Cached: repeated calls return the same object; treat it as read-only.
 */
export function loadReconstructedInitialGraph(taskKey: string): SceneGraph | undefined {
  if (!reconstructedTaskKeys().has(taskKey)) return undefined;
  const cached = graphCache.get(taskKey);
  if (cached !== undefined) {
    graphCache.delete(taskKey);
    graphCache.set(taskKey, cached);
    return cached;
  }
  const { graph } = reconstructInitialGraph(getVirtualhomeTask(taskKey).record);
  graphCache.set(taskKey, graph);
  // Keep the 16 most recent graphs (about 1 MB each); the env keeps its own built worlds.
  if (graphCache.size > 16) graphCache.delete(graphCache.keys().next().value as string);
  return graph;
}
