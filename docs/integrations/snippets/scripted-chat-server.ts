/**
 * A scripted OpenAI-compatible chat server on 127.0.0.1, to check the ChatPolicy wiring
 * without a GPU. Prints its base URL (use it as SPA_CHAT_BASE_URL, with SPA_CHAT_MODEL=scripted).
 *
 *   npx tsx --conditions=@spa/source docs/integrations/snippets/scripted-chat-server.ts
 */
import { reactReply, startScriptedChatServer } from '@spa/ppo';

const server = await startScriptedChatServer({
  model: () => ({ content: reactReply('I should look around.', 'look') }),
});
console.log(server.baseUrl); // use as SPA_CHAT_BASE_URL, with SPA_CHAT_MODEL=scripted

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}
