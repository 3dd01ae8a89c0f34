import { InvalidArgumentError, type PolicyContext } from '@spa/core';

/** One message of an OpenAI-style chat. */
export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/**
 * The pieces of a ReAct prompt in the reference code's layout (paper.md §7): the instruction as
 * a user turn answered by `OK`, one in-context episode, then the task and the episode so far.
 */
export interface ReactPrompt {
  /** Short name for logs (`alfworld`, `webshop`, `virtualhome`, or your own). */
  readonly name: string;
  /** The task instruction (asks for `Thought: …\nAction: …`). */
  readonly instruction: string;
  /** One worked episode as alternating user/assistant turns, user first, assistant last. May be empty. */
  readonly example: readonly ChatMessage[];
  /** The first user turn of the episode, from the reset observation and the goal. */
  readonly formatTask: (observation: string, context: PolicyContext) => string;
  /** Every later user turn, from the observation the env returned. */
  readonly formatObservation: (observation: string) => string;
}

/**
 * Builds the whole message list for one decision.
 *
 * @remarks
 * `replies[i]` is the policy's full reply that produced `context.history[i].action`, when known;
 * without it the assistant turn is rendered as `Action: <action>`.
 */
export type ChatPromptBuilder = (
  context: PolicyContext,
  replies: readonly (string | undefined)[],
) => readonly ChatMessage[];

// Instruction and in-context example texts: SPA-RL-Agent (WangHanLinHenry/SPA-RL-Agent, MIT),
// `prompt_for_environment` in `exploration/webshop/generate_response_webshop.py` (commit
// c3fab7c; the same dict drives the ALFWorld exploration script), which equals ETO's
// `eval_agent/prompt/instructions/{alfworld,webshop}_inst.txt` and
// `eval_agent/prompt/icl_examples/alfworld_icl.json` (Yifan-Song793/ETO 9cd8087). The
// `[START OF THE EXAMPLE]` marker of ETO's WebShop ICL file is absent in SPA-RL's copy, and
// SPA-RL's WebShop example stops after the purchase (8 messages, paper.md §2.3). Typos
// ("task {obj}", "envrionment", "Nothing happened") are the reference's own and are kept,
// because the SFT data was written against this exact text.

const ALFWORLD_INSTRUCTION =
  'Interact with a household to solve a task. Imagine you are an intelligent agent in a household environment and your target is to perform actions to complete the task goal. At the beginning of your interactions, you will be given the detailed description of the current environment and your goal to accomplish. \n' +
  'For each of your turn, you will be given the observation of the last turn. You should first think about the current condition and plan for your future actions, and then output your action in this turn. Your output must strictly follow this format:"Thought: your thoughts.\\nAction: your next action".\n\n' +
  'The available actions are:\n1. go to {recep}\n2. task {obj} from {recep}\n3. put {obj} in/on {recep}\n4. open {recep}\n5. close {recep}\n6. toggle {obj} {recep}\n7. clean {obj} with {recep}\n8. heat {obj} with {recep}\n9. cool {obj} with {recep}\n' +
  'where {obj} and {recep} correspond to objects and receptacles.\n' +
  'After your each turn, the environment will give you immediate feedback based on which you plan your next few steps. if the envrionment output "Nothing happened", that means the previous action is invalid and you should try more options.\n\n' +
  'Your response should use the following format:\n\nThought: <your thoughts>\nAction: <your next action>';

const ALFWORLD_EXAMPLE: readonly ChatMessage[] = [
  {
    role: 'user',
    content:
      'You are in the middle of a room. Looking quickly around you, you see a bathtubbasin 1, a cabinet 2, a cabinet 1, a countertop 1, a garbagecan 1, a handtowelholder 1, a sinkbasin 1, a toilet 1, a toiletpaperhanger 1, and a towelholder 1.\n\nYour task is to: put a toiletpaper in toiletpaperhanger.',
  },
  {
    role: 'assistant',
    content:
      "Thought: I need to place a toilet paper roll on the toilet paper hanger. First, I should check if there's already a roll on the hanger or if it's empty.\nAction: go to toiletpaperhanger 1",
  },
  { role: 'user', content: 'Observation: On the toiletpaperhanger 1, you see nothing.' },
  {
    role: 'assistant',
    content:
      'Thought: The toilet paper hanger is empty, so I need to find a new roll of toilet paper to put on it.\nAction: go to toilet 1',
  },
  {
    role: 'user',
    content: 'Observation: On the toilet 1, you see a soapbottle 1, and a toiletpaper 1.',
  },
  {
    role: 'assistant',
    content:
      "Thought: I've found a toilet paper roll on the toilet. I should pick it up so I can place it on the hanger.\nAction: take toiletpaper 1 from toilet 1",
  },
  { role: 'user', content: 'Observation: You pick up the toiletpaper 1 from the toilet 1.' },
  {
    role: 'assistant',
    content:
      'Thought: Now that I have the toilet paper roll, I need to return to the toilet paper hanger to install it.\nAction: go to toiletpaperhanger 1',
  },
  { role: 'user', content: 'Observation: On the toiletpaperhanger 1, you see nothing.' },
  {
    role: 'assistant',
    content:
      "Thought: I'm back at the toilet paper hanger with the roll in hand. It's time to put the toilet paper on the hanger.\nAction: put toiletpaper 1 in/on toiletpaperhanger 1",
  },
];

const WEBSHOP_INSTRUCTION =
  'You are web shopping.\nI will give you instructions about what to do.\nYou have to follow the instructions.\n' +
  'Every round I will give you an observation and a list of available actions, you have to respond an action based on the state and instruction.\n' +
  'You can use search action if search is available.\nYou can click one of the buttons in clickables.\n' +
  'An action should be of the following structure:\nsearch[keywords]\nclick[value]\n' +
  'If the action is not valid, perform nothing.\n' +
  'Keywords in search are up to you, but the value in click must be a value in the list of available actions.\n' +
  'Remember that your keywords in search should be carefully designed.\n' +
  'Your response should use the following format:\n\nThought: I think ...\nAction: click[something]';

const WEBSHOP_GOAL =
  "i need a long lasting 6.76 fl oz bottle of l'eau d'issey, and price lower than 100.00 dollars";
const WEBSHOP_ITEM_PAGE = `Observation:\nInstruction: [SEP] ${WEBSHOP_GOAL} [SEP] Back to Search [SEP] < Prev [SEP] size [SEP] 2.5 fl oz [SEP] 6.76 fl oz (pack of 1) [SEP] L'eau D'issey By Issey Miyake for MenEau De Toilette Spray, 6.7 Fl Oz Bottle [SEP] Price: $64.98 [SEP] Rating: N.A. [SEP] Description [SEP] Features [SEP] Reviews [SEP] Buy Now`;

const WEBSHOP_EXAMPLE: readonly ChatMessage[] = [
  {
    role: 'user',
    content: `Observation:\nWebShop [SEP] Instruction: [SEP] ${WEBSHOP_GOAL} [SEP] Search`,
  },
  {
    role: 'assistant',
    content:
      "Thought: I think I should use the search bar to look for the product I need.\nAction: search[l'eau d'issey 6.76 fl oz bottle price < 100.00]",
  },
  {
    role: 'user',
    content: `Observation:\nInstruction: [SEP] ${WEBSHOP_GOAL} [SEP] Back to Search [SEP] Page 1 (Total results: 50) [SEP] Next > [SEP] B000VOHH8I [SEP] L'eau D'issey By Issey Miyake for MenEau De Toilette Spray, 6.7 Fl Oz Bottle [SEP] $64.98 [SEP] B000MJZOPK [SEP] L'eau d'Issey by Issey Miyake for Women 3.3 oz Eau de Toilette Spray [SEP] $49.98 [SEP] B0012S249E [SEP] L'eau D'issey By Issey Miyake For Women. Shower Cream 6.7-Ounces [SEP] $31.36 [SEP] B01H8PGKZS [SEP] L'eau D'Issey FOR MEN by Issey Miyake - 6.7 oz EDT Spray [SEP] $67.97 [SEP] B00G3C8FHE [SEP] L'Eau d'Issey pour Homme - Eau de Toilette 4.2 fl oz [SEP] $51.25 [SEP] B000R94HRG [SEP] Issey Miyake L'Eau D'Issey Pour Homme Eau De Toilette Natural Spray [SEP] $44.99 [SEP] B000C214CO [SEP] Issey Miyake L'eau D'issey Eau de Toilette Spray for Men, 4.2 Fl Oz [SEP] $53.99 [SEP] B0018SBRDC [SEP] Issey Miyake L'eau d'Issey for Women EDT, White, 0.84 Fl Oz [SEP] $27.04 [SEP] B000XEAZ9Y [SEP] L'eau De Issey By Issey Miyake For Men. Eau De Toilette Spray 6.7 Fl Oz [SEP] $67.08 [SEP] B079HZR2RX [SEP] L'eau d'Issey Pure by Issey Miyake for Women 3.0 oz Nectar de Parfum Spray [SEP] $71.49`,
  },
  {
    role: 'assistant',
    content:
      'Thought: I think I should click on the product I need, which is B000VOHH8I.\nAction: click[B000VOHH8I]',
  },
  { role: 'user', content: WEBSHOP_ITEM_PAGE },
  {
    role: 'assistant',
    content:
      "Thought: I think I should click on the '6.76 fl oz (pack of 1)' option to select the size I need.\nAction: click[6.76 fl oz (pack of 1)]",
  },
  { role: 'user', content: WEBSHOP_ITEM_PAGE },
  {
    role: 'assistant',
    content:
      "Thought: I think I should click on the 'Buy Now' button to purchase the product.\nAction: click[Buy Now]",
  },
];

// VirtualHome: SPA-RL-Agent's `eval_agent/prompt/instructions/virtualhome_inst.txt` and
// `eval_agent/prompt/icl_examples/virtualhome_icl.json` (commit ed20087; layout in
// ../shared/research/virtualhome.md §1.3), as reproduced in the `prompt_for_environment`
// dict's `virtualhome` entry of SPA-RL's exploration scripts. Unlike ALFWorld's, its format line
// has a real newline between "thoughts." and "Action:".
const VIRTUALHOME_INSTRUCTION =
  'Interact with a household to solve a task. Imagine you are an intelligent agent in a household environment and your target is to perform actions to complete the task goal. At the beginning of your interactions, you will be given the detailed description of the current environment and your goal to accomplish. \n' +
  'For each of your turn, you will be given the observation of the last turn. You should first think about the current condition and plan for your future actions, and then output your action in this turn. Your output must strictly follow this format:"Thought: your thoughts.\nAction: your next action".\n\n' +
  'The available actions are:\nwalk to {obj}\nrun to {obj}\ngrab {obj}\nopen {obj}\nclose {obj}\nput {obj} on {recep}\nput {obj} in {recep}\nswitch on {obj}\nswitch off {obj}\ndrink {obj}\nlook at {obj}\nsit on {obj}\nstand up\nwatch {obj}\nwipe {obj}\ntype on {obj}\nwash {obj}\ncut {obj}\neat {obj}\nsleep\nwake up\nplug in {obj}\nplug out {obj}\npour {obj} into {recep}\nmove {obj}\nrelease\nturn to {obj}\n\n' +
  'After your each turn, the environment will give you immediate feedback based on which you plan your next few steps. if the envrionment output "Nothing happened", that means the previous action is invalid and you should try more options.\n\n' +
  'Your response should use the following format:\n\nThought: <your thoughts>\nAction: <your next action>';

const VIRTUALHOME_EXAMPLE: readonly ChatMessage[] = [
  { role: 'user', content: 'The task is Drink (Drink water).' },
  {
    role: 'assistant',
    content:
      'Thought: To drink water, I need to first locate a water source in the household, so moving towards the dining room might bring me closer to finding water or a suitable container for drinking.\nAction: Walk to dining room',
  },
  { role: 'user', content: 'Observation:' },
  {
    role: 'assistant',
    content:
      'Thought: I chose to walk to the water glass as it is likely located in the dining room where I can access water easily, aligning with the goal of drinking water.\nAction: Walk to water glass',
  },
  { role: 'user', content: 'Observation: water_glass is CLEAN.' },
  {
    role: 'assistant',
    content:
      "Thought: The current observation indicates that I've located a clean water glass, which is essential to proceed with the task of drinking water. Now, I need to fill it with water to accomplish the task goal.\nAction: Find water glass",
  },
  { role: 'user', content: 'Observation: water_glass is CLEAN.' },
  {
    role: 'assistant',
    content:
      'Thought: The observation indicates that the water glass is clean, and since the task is to drink water, holding the glass will allow further steps to achieve this goal.\nAction: Grab water glass',
  },
  { role: 'user', content: 'Observation: character, water_glass is CLEAN. You have water_glass.' },
  {
    role: 'assistant',
    content:
      'Thought: Since I have already obtained the water glass, the next logical step is to drink from it to complete the task of drinking water.\nAction: Drink water glass',
  },
];

/**
 * The reference code's ReAct prompts for the three benchmark envs.
 *
 * @remarks
 * Observation turns follow the reference envs: ALFWorld and VirtualHome send
 * `Observation: <text>` (ETO `eval_agent/envs/alfworld_env.py` `step`; SPA-RL
 * `virtualhome_env.py`, virtualhome.md §1.6 item 7), WebShop `Observation:\n<text>`
 * (webshop.md §1.12). The task turn: ALFWorld's reset observation (the room and
 * `Your task is to: …`, already in SPA format from `@spa/env-alfworld`); VirtualHome's reset
 * observation, which is `The task is …(…).`; WebShop's raw search page (webshop.md §1.12: "The
 * first task observation is the raw search-page text"). When an ALFWorld reset observation does
 * not mention the goal, `Your task is to: <goal>` is appended.
 */
export const REACT_PROMPTS: Readonly<Record<'alfworld' | 'webshop' | 'virtualhome', ReactPrompt>> =
  {
    alfworld: {
      name: 'alfworld',
      instruction: ALFWORLD_INSTRUCTION,
      example: ALFWORLD_EXAMPLE,
      formatTask: (observation, context) =>
        context.goal === '' || observation.includes('Your task is to:')
          ? observation
          : `${observation}\n\nYour task is to: ${context.goal}`,
      formatObservation: (observation) => `Observation: ${observation}`,
    },
    webshop: {
      name: 'webshop',
      instruction: WEBSHOP_INSTRUCTION,
      example: WEBSHOP_EXAMPLE,
      formatTask: (observation) => observation,
      formatObservation: (observation) => `Observation:\n${observation}`,
    },
    virtualhome: {
      name: 'virtualhome',
      instruction: VIRTUALHOME_INSTRUCTION,
      example: VIRTUALHOME_EXAMPLE,
      formatTask: (observation, context) =>
        observation.trim() === '' ? context.goal : observation,
      formatObservation: (observation) => `Observation: ${observation}`,
    },
  };

/** Options of {@link reactMessages}. */
export interface ReactMessagesOptions {
  readonly prompt: ReactPrompt;
  readonly context: PolicyContext;
  /** The full replies behind `context.history`'s actions, where known (same indices). */
  readonly replies?: readonly (string | undefined)[];
  /**
   * Role of the instruction. `user` (default) is the reference layout: the instruction as a user
   * turn answered by an assistant `OK`. `system` sends it as a system message without the `OK`.
   */
  readonly instructionRole?: 'user' | 'system';
}

/**
 * The chat for one decision: instruction (+ `OK`), the in-context example, the task turn, then
 * one assistant turn per earlier action and one user turn per observation since.
 *
 * @remarks
 * The reference conversation layout (`prompt_with_icl(…, icl_format='conversation')`, ETO/SPA-RL
 * `eval_agent/prompt`; exploration `template_change(prompt_for_environment[task] + [task])`,
 * paper.md §2.2). An earlier assistant turn is the policy's full reply when `replies` has it (so
 * the model sees its own thoughts), otherwise `Action: <action>`.
 */
export function reactMessages(options: ReactMessagesOptions): ChatMessage[] {
  const { prompt, context } = options;
  validateExample(prompt);
  const replies = options.replies ?? [];
  const messages: ChatMessage[] =
    options.instructionRole === 'system'
      ? [{ role: 'system', content: prompt.instruction }]
      : [
          { role: 'user', content: prompt.instruction },
          { role: 'assistant', content: 'OK' },
        ];
  messages.push(...prompt.example);
  const observations = [...context.history.map((step) => step.observation), context.observation];
  observations.forEach((observation, index) => {
    messages.push({
      role: 'user',
      content:
        index === 0
          ? prompt.formatTask(observation, context)
          : prompt.formatObservation(observation),
    });
    const step = context.history[index];
    if (step !== undefined) {
      messages.push({ role: 'assistant', content: replies[index] ?? `Action: ${step.action}` });
    }
  });
  return messages;
}

function validateExample(prompt: ReactPrompt): void {
  const { example } = prompt;
  if (example.length % 2 !== 0) {
    throw new InvalidArgumentError({
      field: `prompt(${prompt.name}).example`,
      reason: `expected alternating user/assistant turns (an even count), got ${example.length}`,
    });
  }
  example.forEach((message, index) => {
    const expected = index % 2 === 0 ? 'user' : 'assistant';
    if (message.role !== expected) {
      throw new InvalidArgumentError({
        field: `prompt(${prompt.name}).example[${index}].role`,
        reason: `expected ${expected}, got ${message.role}`,
      });
    }
  });
}
