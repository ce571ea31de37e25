import { cli, defineAgent, type JobContext, llm, ServerOptions, voice } from '@livekit/agents';
import { fileURLToPath } from 'node:url';
import { attach } from '@switchboard/livekit-agents';

export default defineAgent({
  entry: async (ctx: JobContext) => {
    await ctx.connect();
    // Models by name go through LiveKit Inference; plugin objects (new deepgram.STT(), ...) work the same.
    const session = new voice.AgentSession({
      stt: 'deepgram/nova-3:en',
      llm: 'openai/gpt-4o-mini',
      tts: 'cartesia/sonic-2',
    });
    // Before start(), so the first state change and the first agent are seen.
    const switchboard = await attach(session, ctx, {
      serverUrl: process.env.SWITCHBOARD_URL!,          // http://localhost:5000
      apiKey: process.env.SWITCHBOARD_API_KEY!,         // keys create --scope agent --name support
      agentName: 'support',
      direction: 'inbound',
    });
    const agent = new voice.Agent({
      id: 'support',
      instructions: 'You are the support line of Example Broadband. Ask a supervisor when unsure.',
      // askSupervisorTool is a named tool (ask_supervisor), so the tools are given as a list.
      tools: [
        switchboard.askSupervisorTool,
        llm.tool({
          name: 'check_outages',
          description: 'Check for outages in a region',
          parameters: { type: 'object', properties: { region: { type: 'string' } }, required: ['region'] },
          execute: async ({ region }: { region: string }) => ({ region, outage: false }),
        }),
      ],
    });
    await session.start({ agent, room: ctx.room });
    ctx.addShutdownCallback(() => switchboard.close());
  },
});

cli.runApp(new ServerOptions({ agent: fileURLToPath(import.meta.url) }));
