export {
  type ExecuteOptions,
  type ExecuteResult,
  executeScriptLine,
  pythonSetOrder,
  roomOf,
  type VisibleNodesOptions,
  visibleAmong,
  visibleNodes,
} from './executor';
export {
  type EdgeJson,
  EnvironmentGraph,
  type GrabRecord,
  type GraphEdge,
  GraphFormatError,
  type GraphJson,
  type GraphNode,
  isRelation,
  NODE_JSON_KEYS,
  type NodeJson,
  RELATIONS,
  type Relation,
  removeDuplicateEdges,
} from './graph';
export {
  ACTION_ARITY,
  type ActionName,
  formatScriptLine,
  parseScriptLine,
  type ScriptLine,
  type ScriptObject,
  ScriptParseError,
} from './script';
