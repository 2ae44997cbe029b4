// Console: the state machine and live counts per state, for the status-flow diagram.
import { json } from '@/lib/http/respond';
import { consoleRoute } from '@/http/console-route';
import { statusFlow } from '@/lib/console/status-flow';

export const dynamic = 'force-dynamic';

export const GET = consoleRoute(async ({ ctx }) => json(await statusFlow(ctx)));
