import { describe, expect, it } from 'vitest';
import { countVirtualhomeTasks, getVirtualhomeTask, loadVirtualhomeTasks } from './tasks';

/** Upper-case first letter, `_` → space, as in the data README's action_list rule. */
function actionText(line: string): string | undefined {
  const match = /^\[(\w+)\]((?:\s*<[^>]+>\s*\(\d+\))*)\s*$/.exec(line);
  if (match === null) return undefined;
  return match[1];
}

describe('VirtualHome test tasks', () => {
  it('counts 247 per split: 25 + 30 exact, 205 + 200 reconstructed', () => {
    expect(countVirtualhomeTasks()).toEqual({
      new_seen_test: { total: 247, exact: 25, reconstructed: 205, unavailable: 17 },
      new_unseen_test: { total: 247, exact: 30, reconstructed: 200, unavailable: 17 },
    });
  });

  it('keys tasks by split and 1-based line', () => {
    const task = getVirtualhomeTask('new_seen_test:1');
    expect(task.record.task).toBe('Get dressed');
    expect(task.record.id).toBe('132');
    expect(getVirtualhomeTask('new_seen_test:2').tag).toBe('exact');
    expect(() => getVirtualhomeTask('new_seen_test:0')).toThrow(/new_seen_test:0/);
    expect(() => getVirtualhomeTask('train:1')).toThrow(/taskKey/);
  });

  it('holds the data README regularities in all 494 records', () => {
    let steps = 0;
    let failReasons = 0;
    for (const split of ['new_seen_test', 'new_unseen_test'] as const) {
      for (const { record } of loadVirtualhomeTasks(split)) {
        const n = record.new_program_lines.length;
        expect(record.action_list).toHaveLength(n);
        expect(record.ObserANDState).toHaveLength(n);
        expect(record.SuccessOrFail).toEqual(Array(n).fill(true));
        expect(record.FailReasons).toHaveLength(n);
        failReasons += record.FailReasons.filter((reason) => reason !== '').length;
        expect(record.path).toBe('redacted');
        expect(record.steps).toBe(
          record.action_list.map((action, i) => `Step ${i + 1}: ${action}`).join('\n'),
        );
        expect(record.ObserANDState).not.toContain('Nothing happens.');
        for (const [i, line] of record.new_program_lines.entries()) {
          expect(actionText(line)).toBeDefined();
          // Every argument class name (with `_` → space) appears in the NL action.
          const action = record.action_list[i] ?? '';
          for (const [, name] of line.matchAll(/<([^>]+)>/g)) {
            expect(action.toLowerCase()).toContain((name ?? '').replaceAll('_', ' '));
          }
          expect(action.charAt(0)).toBe(action.charAt(0).toUpperCase());
          steps += 1;
        }
        // object_id_dict: class → id over the program's objects, one id per class.
        const pairs = new Map<string, number>();
        for (const line of record.new_program_lines) {
          for (const [, name, id] of line.matchAll(/<([^>]+)>\s*\((\d+)\)/g)) {
            pairs.set(name ?? '', Number(id));
          }
        }
        expect(Object.fromEntries(pairs)).toEqual(record.object_id_dict);
      }
    }
    expect(steps).toBe(4392);
    // The data README says FailReasons are all "": one is not (unseen line 16, id 1500, a PLUGOUT
    // step whose flag is still true).
    expect(failReasons).toBe(1);
    expect(getVirtualhomeTask('new_unseen_test:16').record.FailReasons.join('')).toMatch(/PLUGOUT/);
  });
});
