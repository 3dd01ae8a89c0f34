export {
  type ChatActOptions,
  ChatPolicy,
  type ChatPolicyAction,
  type ChatPolicyOptions,
  type ChatPromptSpec,
  type ChatRequestEvent,
  type ChatRetryOptions,
  type ChatUsage,
} from './chat-policy';
export { ChatRequestError, type ChatRequestFailure } from './errors';
export {
  type ActionFormat,
  type ExtractActionOptions,
  type ExtractedAction,
  extractAction,
} from './extract';
export {
  type ChatMessage,
  type ChatPromptBuilder,
  REACT_PROMPTS,
  type ReactMessagesOptions,
  type ReactPrompt,
  reactMessages,
} from './prompts';
export {
  type RecordedChatRequest,
  reactReply,
  type ScriptedChatModel,
  type ScriptedChatReply,
  type ScriptedChatRequest,
  type ScriptedChatServer,
  type ScriptedChatServerOptions,
  startScriptedChatServer,
} from './testing-server';
