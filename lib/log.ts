// Structured logging for the server (pino, JSON lines on stdout).
import pino from 'pino';

export const logger = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { service: 'glance-api' } });
