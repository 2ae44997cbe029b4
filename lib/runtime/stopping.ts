// Set by the server process when it begins a clean stop (Ctrl-C, SIGTERM):
// the embedded database is shutting down on purpose, so background work stops
// touching it and its going away is not reported as an incident.
const processGlobals = globalThis as unknown as { glanceStopping?: boolean };

export function markStopping(): void {
  processGlobals.glanceStopping = true;
}

export function isStopping(): boolean {
  return processGlobals.glanceStopping === true;
}
