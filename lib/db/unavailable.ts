// Recognising "the database cannot be reached" among the shapes it takes: the
// mariadb driver's own errors (pool timeout, refused or lost connection),
// Node's socket errors, and Prisma's wrappers around either. Those become a
// 503 (the client may retry), never a 500.
import { ServiceUnavailable } from '@/lib/errors';

/** The mariadb driver's errnos for a connection that could not be had or was lost. */
const DRIVER_CONNECTION_ERRNOS = new Set([
  45001, // ER_CONNECTION_ALREADY_CLOSED
  45004, // ER_CMD_NOT_EXECUTED_DESTROYED
  45009, // ER_SOCKET_UNEXPECTED_CLOSE
  45012, // ER_CONNECTION_TIMEOUT
  45013, // ER_CMD_CONNECTION_CLOSED
  45019, // ER_SOCKET
  45026, // ER_SOCKET_TIMEOUT
  45027, // ER_POOL_ALREADY_CLOSED
  45028, // ER_GET_CONNECTION_TIMEOUT
  45035, // ER_ADD_CONNECTION_CLOSED_POOL
  45037, // ER_CLOSING_POOL
  45060, // ER_POOL_NOT_INITIALIZED
  45061, // ER_POOL_NO_CONNECTION
]);
/** The server's own: too many connections, shutting down, connection killed. */
const SERVER_GOING_AWAY_ERRNOS = new Set([1040, 1053, 1927]);
// Only codes a connect() gives: a reset or broken pipe may be the client's own socket.
const SOCKET_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH']);
const LOST_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
/** Prisma: can't reach, timed out, server closed the connection, pool timeout, transaction could not start. */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);
const ADAPTER_KINDS = new Set(['TooManyConnections', 'DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout']);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  errno?: unknown;
  syscall?: unknown;
  kind?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: unknown };
}

function isUnavailable(err: unknown, depth: number): boolean {
  if (depth > 5 || err === null || typeof err !== 'object') return false;
  const e = err as ErrorLike;
  if (e.name === 'PrismaClientInitializationError') return true;
  if (typeof e.code === 'string' && (PRISMA_CODES.has(e.code) || SOCKET_CODES.has(e.code))) return true;
  // A query in flight when the server died: Prisma passes the socket's own error on.
  if (typeof e.name === 'string' && e.name.startsWith('PrismaClient') && typeof e.code === 'string' && LOST_SOCKET_CODES.has(e.code)) return true;
  if (e.syscall === 'connect') return true;
  for (const n of [e.errno, e.code]) {
    if (typeof n === 'number' && (DRIVER_CONNECTION_ERRNOS.has(n) || SERVER_GOING_AWAY_ERRNOS.has(n))) return true;
  }
  if (typeof e.kind === 'string' && ADAPTER_KINDS.has(e.kind)) return true;
  return isUnavailable(e.cause, depth + 1) || isUnavailable(e.meta?.driverAdapterError, depth + 1);
}

/** True when `err` says the database is unreachable (rather than that a query was wrong). */
export function isDatabaseUnavailable(err: unknown): boolean {
  return isUnavailable(err, 0);
}

/** webob's own explanation for a 503, which is what Glance's clients know. */
export const DATABASE_UNAVAILABLE_MESSAGE = 'The server is currently unavailable. Please try again at a later time.';

export class DatabaseUnavailable extends ServiceUnavailable {
  constructor() {
    super(DATABASE_UNAVAILABLE_MESSAGE);
  }
}
