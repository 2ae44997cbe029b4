// Runs once when the server process starts, before it serves requests.
// Process-wide runtime settings are not made here but in lib/runtime/process.ts.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startUp } = await import('./lib/startup');
  await startUp();
  const { startUploadMaintenance } = await import('./lib/uploads/maintenance');
  await startUploadMaintenance();
  // [DEFAULT] delayed_delete: this node scrubs too (several nodes share the work safely).
  const { startScrubber } = await import('./lib/images/scrubber');
  startScrubber();
}
