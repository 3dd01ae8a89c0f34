import type { ActionName } from './sim/script';

/**
 * One natural-language action template of SPA-RL's VirtualHome env (research note §1.4): the
 * script action, the number of arguments it expects, and the template, `{}` standing for an
 * argument.
 */
export interface SpaActionTemplate {
  readonly action: ActionName;
  readonly arity: number;
  readonly template: string;
}

/**
 * SPA-RL's `EvolveGraphAction` templates, in the enum's order (which decides nothing, since
 * exactly one template must match). Source: `eval_agent/envs/virtualhome_env.py` in
 * WangHanLinHenry/SPA-RL-Agent, summarised in research note §1.4.
 *
 * @remarks
 * `RELEASE` has template `release` with no `{}` but expects one argument, so it never parses.
 */
export const SPA_ACTION_TEMPLATES: readonly SpaActionTemplate[] = Object.freeze(
  (
    [
      ['CLOSE', 1, 'close {}'],
      ['DRINK', 1, 'drink {}'],
      ['FIND', 1, 'find {}'],
      ['WALK', 1, 'walk to {}'],
      ['GRAB', 1, 'grab {}'],
      ['LOOKAT', 1, 'look at {}'],
      ['OPEN', 1, 'open {}'],
      ['POINTAT', 1, 'point at {}'],
      ['PUTBACK', 2, 'put {} on {}'],
      ['PUTIN', 2, 'put {} in {}'],
      ['PUTOBJBACK', 1, 'put back {}'],
      ['RUN', 1, 'run to {}'],
      ['SIT', 1, 'sit on {}'],
      ['STANDUP', 0, 'stand up'],
      ['SWITCHOFF', 1, 'switch off {}'],
      ['SWITCHON', 1, 'switch on {}'],
      ['TOUCH', 1, 'touch {}'],
      ['TURNTO', 1, 'turn to {}'],
      ['WATCH', 1, 'watch {}'],
      ['WIPE', 1, 'wipe {}'],
      ['PUTON', 1, 'put on {}'],
      ['PUTOFF', 1, 'take off {}'],
      ['GREET', 1, 'greet {}'],
      ['DROP', 1, 'drop {}'],
      ['READ', 1, 'read {}'],
      ['LIE', 1, 'lie on {}'],
      ['POUR', 2, 'pour {} into {}'],
      ['TYPE', 1, 'type on {}'],
      ['PUSH', 1, 'push {}'],
      ['PULL', 1, 'pull {}'],
      ['MOVE', 1, 'move {}'],
      ['WASH', 1, 'wash {}'],
      ['RINSE', 1, 'rinse {}'],
      ['SCRUB', 1, 'scrub {}'],
      ['SQUEEZE', 1, 'squeeze {}'],
      ['PLUGIN', 1, 'plug in {}'],
      ['PLUGOUT', 1, 'plug out {}'],
      ['CUT', 1, 'cut {}'],
      ['EAT', 1, 'eat {}'],
      ['SLEEP', 0, 'sleep'],
      ['WAKEUP', 0, 'wake up'],
      ['RELEASE', 1, 'release'],
    ] as const
  ).map(([action, arity, template]) => Object.freeze({ action, arity, template })),
);

/** Names of SPA's `EvolveGraphAction` members: the only action names SPA executes. */
export const SPA_ACTION_NAMES: ReadonlySet<string> = new Set(
  SPA_ACTION_TEMPLATES.map((entry) => entry.action),
);

/** SPA's arity of each of its action names. */
export const SPA_ACTION_ARITY: ReadonlyMap<string, number> = new Map(
  SPA_ACTION_TEMPLATES.map((entry) => [entry.action, entry.arity]),
);

/**
 * Python's `str.isspace` characters (what `str.strip()` removes and `\s` matches on `str`): JS
 * `\s` lacks U+001C–U+001F and has U+FEFF, so the port spells the class out.
 */
const PY_SPACE =
  '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');
const ACTION_PREFIX = new RegExp(`Action:[${PY_SPACE}]?([\\s\\S]*)`);

/** Python's `str.strip()` with no argument. */
export function pythonStrip(text: string): string {
  return text.replace(STRIP, '');
}

/**
 * SPA's `parse_action`: the text after the first `Action:` of the stripped model output (regex
 * `Action:\s?(.*)`, DOTALL), or `undefined` when there is none (SPA then answers "Error Input").
 */
export function extractSpaAction(output: string): string | undefined {
  const match = ACTION_PREFIX.exec(pythonStrip(output));
  return match === null ? undefined : (match[1] ?? '');
}

/**
 * The `parse` library's reading of a template: each `{}` is a non-greedy `(.+?)`, the whole text
 * must match, case-insensitive, `.` matching newlines (parse compiles with IGNORECASE | DOTALL and
 * anchors with `^…$`).
 */
const TEMPLATE_PATTERNS: readonly { entry: SpaActionTemplate; pattern: RegExp; fields: number }[] =
  SPA_ACTION_TEMPLATES.map((entry) => {
    const parts = entry.template.split('{}');
    const escaped = parts.map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    return {
      entry,
      pattern: new RegExp(`^${escaped.join('(.+?)')}$`, 'isu'),
      fields: parts.length - 1,
    };
  });

/** How one action text was turned into a script line. */
export interface SpaScriptLine {
  /** The script line with placeholder instances `(1)`, e.g. `[WALK] <dining_room> (1)`. */
  readonly line: string;
  /** True when exactly one template matched; false for the word-split fallback. */
  readonly matchedTemplate: boolean;
}

/**
 * SPA's `str2program_list` for one action text (research note §1.4), or `undefined` for an empty
 * text (SPA then fails with an IndexError, i.e. "Error Input").
 *
 * @remarks
 * The text is lower-cased and stripped; after a `:`, only what follows the first `:` (stripped) is
 * kept. Every template is tried; a match counts only when its field count equals the action's
 * arity, and exactly one must count. Its arguments get spaces replaced by `_` and become
 * `[NAME] <a> (1)` / `[NAME] <a> (1) <b> (1)` / `[NAME]`. Otherwise the **original-case** text
 * (again cut after a first `:`, then stripped; not stripped when there is no `:`) is split on
 * single spaces: one word → `[W0]`, two → `[W0] <w1> (1)`, three → `[W0] <w1> (1) <w2> (1)`, more
 * → `[W0] <w1_w2_…> (1)` (`W0` upper-cased), and an empty text → `[EMPTY]`.
 */
export function toSpaScriptLine(action: string): SpaScriptLine | undefined {
  let line = pythonStrip(action.toLowerCase());
  if (line.length === 0) return undefined;
  const colon = line.indexOf(':');
  if (colon >= 0) line = pythonStrip(line.slice(colon + 1));
  let found: { entry: SpaActionTemplate; args: string[] } | undefined;
  let count = 0;
  for (const { entry, pattern, fields } of TEMPLATE_PATTERNS) {
    const match = pattern.exec(line);
    if (match === null || fields !== entry.arity) continue;
    count += 1;
    found = { entry, args: match.slice(1) };
  }
  if (count === 1 && found !== undefined) {
    const args = found.args.map((arg) => arg.replaceAll(' ', '_'));
    const name = found.entry.action;
    const text =
      args.length === 0
        ? `[${name}]`
        : args.length === 1
          ? `[${name}] <${args[0]}> (1)`
          : `[${name}] <${args[0]}> (1) <${args[1]}> (1)`;
    return { line: text, matchedTemplate: true };
  }
  let raw = action;
  const rawColon = raw.indexOf(':');
  if (rawColon >= 0) raw = pythonStrip(raw.slice(rawColon + 1));
  if (raw.length === 0) return { line: '[EMPTY]', matchedTemplate: false };
  const words = raw.split(' ');
  const head = (words[0] ?? '').toUpperCase();
  let text: string;
  if (words.length === 1) text = `[${head}]`;
  else if (words.length === 2) text = `[${head}] <${words[1]}> (1)`;
  else if (words.length === 3) text = `[${head}] <${words[1]}> (1) <${words[2]}> (1)`;
  else text = `[${head}] <${words.slice(1).join('_')}> (1)`;
  return { line: text, matchedTemplate: false };
}

/**
 * Renders a script line as SPA's natural-language action, the form of the task files'
 * `action_list`: the template filled with the argument class names (`_` → space), first letter
 * upper-cased, e.g. `[WALK] <home_office> (319)` → `Walk to home office`, `[PUTBACK] <cup> (1)
 * <table> (2)` → `Put cup on table` (data README: 4,392 of 4,392 steps follow this rule).
 * Returns `undefined` for an action without a template (`LOOKAT_SHORT` …) or a wrong argument
 * count.
 */
export function renderSpaAction(action: ActionName, names: readonly string[]): string | undefined {
  const entry = SPA_ACTION_TEMPLATES.find((candidate) => candidate.action === action);
  if (entry === undefined || names.length !== entry.arity) return undefined;
  // RELEASE's template has no slot: render it as the bare template (it cannot be parsed back).
  let index = 0;
  const text = entry.template.replace(/\{\}/g, () => (names[index++] ?? '').replaceAll('_', ' '));
  return text.charAt(0).toUpperCase() + text.slice(1);
}
