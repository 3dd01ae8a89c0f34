/** How {@link extractAction} found the action in a reply. */
export type ActionFormat =
  /** An `Action:` marker as the reference writes it (case-sensitive). */
  | 'action'
  /** A marker in another case or markdown dress (`ACTION:`, `**Action:**`, `action :`). */
  | 'loose-action'
  /** No marker: the last non-empty line that is not a `Thought:` line. */
  | 'bare-line'
  /** Nothing usable; the action is the empty string. */
  | 'none';

/** The parts of a ReAct reply. */
export interface ExtractedAction {
  /** The action text, trimmed (empty when `format` is `none`). */
  readonly action: string;
  /** The text after `Thought:` and before the action, trimmed, when there is one. */
  readonly thought?: string;
  readonly format: ActionFormat;
}

/** Options of {@link extractAction}. */
export interface ExtractActionOptions {
  /**
   * Which `Action:` marker wins when a reply has several. `first` (default) matches the
   * reference; `last` suits models that restate a draft before the final answer.
   */
  readonly pick?: 'first' | 'last';
  /** Only the reference's case-sensitive `Action:`; no fallbacks (`none` otherwise). Default false. */
  readonly strict?: boolean;
}

// Reference: `re.findall(r"Action:\s?(.*)", llm_output.strip(), re.DOTALL)[0]` (ETO/SPA-RL
// `eval_agent/envs/alfworld_env.py` `parse_action`; the same in the WebShop and VirtualHome envs,
// paper.md §7, virtualhome.md §1.4). With DOTALL that takes everything after the first marker,
// but the evaluation loop first cuts the output after its second line (Thought + Action,
// paper.md §2.8), so in effect the action is the rest of the marker's line. We take the rest
// of the line directly, which equals the reference on well-formed replies and ignores a
// hallucinated `Observation:` continuation.
const STRICT_MARKER = /Action:[ \t]?(.*)/g;
// Fallback: any case, optional markdown emphasis or heading around the word, spaces before ':'.
const LOOSE_MARKER = /(?:^|[\s*#>_-])action\**[ \t]*:\**[ \t]*(.*)/gim;
const THOUGHT = /thought\**[ \t]*:\**/i;
// Reasoning models (Qwen3, DeepSeek-R1) may put a `<think>` block before the answer.
const THINK_BLOCK = /<think>[\s\S]*?<\/think>/gi;

/**
 * Splits a ReAct reply (`Thought: …\nAction: …`) into the action to execute and the thought.
 *
 * @remarks
 * In order:
 * 1. `<think>…</think>` blocks are dropped.
 * 2. `Action:` (case-sensitive, the reference's regex): the rest of that line. If the line is
 *    empty, the next non-empty line (`Action:\n go to desk 1`).
 * 3. Unless `strict`: a looser marker (`ACTION:`, `**Action:**`, `action :`).
 * 4. Unless `strict`: the last non-empty line that is not a `Thought:` line (a bare action).
 * 5. Otherwise `{ action: '', format: 'none' }`: the env then answers with its invalid-action
 *    text, as the reference's "Error Input" turn (which also counts as a step).
 *
 * The action is trimmed and loses wrapping backticks and quotes, and leading or trailing `*`; nothing else is changed
 * (a trailing period stays, since ALFWorld matches commands exactly).
 */
export function extractAction(reply: string, options: ExtractActionOptions = {}): ExtractedAction {
  const text = reply.replace(THINK_BLOCK, '').trim();
  const pick = options.pick ?? 'first';
  const strict = findMarker(text, STRICT_MARKER, pick);
  if (strict !== undefined) return withThought(text, strict, 'action');
  if (options.strict === true) return { action: '', format: 'none' };
  const loose = findMarker(text, LOOSE_MARKER, pick);
  if (loose !== undefined) return withThought(text, loose, 'loose-action');
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const bare = lines.filter((line) => !/^\W*thought\W*:/i.test(line)).at(-1);
  if (bare !== undefined) {
    const action = clean(bare);
    if (action !== '') {
      const thoughtLine = lines.find((line) => /^\W*thought\W*:/i.test(line));
      const thought = thoughtLine?.replace(/^\W*thought\W*:\**/i, '').trim();
      return { action, format: 'bare-line', ...(thought ? { thought } : {}) };
    }
  }
  return { action: '', format: 'none' };
}

interface Marker {
  readonly action: string;
  /** Where the marker starts, to cut the thought before it. */
  readonly index: number;
}

function findMarker(text: string, pattern: RegExp, pick: 'first' | 'last'): Marker | undefined {
  const found: Marker[] = [];
  for (const match of text.matchAll(pattern)) {
    const rest = match[1] ?? '';
    const index = match.index ?? 0;
    let action = clean(rest);
    if (action === '') {
      // `Action:` alone on its line: take the next non-empty line.
      const after = text.slice(index + match[0].length);
      const next = after
        .split('\n')
        .map((line) => line.trim())
        .find((line) => line !== '');
      action = next === undefined ? '' : clean(next);
    }
    if (action !== '') found.push({ action, index });
  }
  return pick === 'first' ? found[0] : found.at(-1);
}

function withThought(text: string, marker: Marker, format: ActionFormat): ExtractedAction {
  const before = text.slice(0, marker.index);
  const match = THOUGHT.exec(before);
  const thought =
    match === null
      ? undefined
      : before
          .slice(match.index + match[0].length)
          .replace(/[\s*#]+$/, '')
          .trim() || undefined;
  return { action: marker.action, format, ...(thought === undefined ? {} : { thought }) };
}

function clean(raw: string): string {
  let action = raw.trim();
  for (;;) {
    const stripped = action
      .replace(/^\*+\s*/, '')
      .replace(/\s*\*+$/, '')
      .replace(/^`+(.*?)`+$/s, '$1')
      .replace(/^"(.*)"$/s, '$1')
      .replace(/^'(.*)'$/s, '$1')
      .trim();
    if (stripped === action) return action;
    action = stripped;
  }
}
