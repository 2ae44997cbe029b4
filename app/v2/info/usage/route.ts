import { json } from '@/lib/http/respond';
import { glanceRoute } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

export const GET = glanceRoute(async () => json({ usage: {} }));
