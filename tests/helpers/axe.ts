// axe-core in a real page: injected with page.evaluate (so no page CSP can
// block it), run over the whole document, its findings printed per page.
import assert from 'node:assert/strict';
import axe from 'axe-core';
import type { Page } from 'playwright-core';

interface Violation { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }

/** Run axe on what the page shows now; print counts by impact and rule ids; fail on serious or critical ones. */
export async function assertAccessible(page: Page, name: string): Promise<Violation[]> {
  await page.evaluate(axe.source);
  const result = (await page.evaluate(() =>
    (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] }),
  )) as unknown as { violations: Violation[]; passes: unknown[]; incomplete: { id: string }[] };
  const byImpact: Record<string, number> = {};
  for (const v of result.violations) byImpact[v.impact ?? 'none'] = (byImpact[v.impact ?? 'none'] ?? 0) + 1;
  const rules = result.violations.map((v) => `${v.id}(${v.impact}, ${v.nodes.length})`).join(' ') || 'none';
  // "Incomplete": what axe could not decide alone (contrast over an image or gradient, say), for a person to look at.
  const review = result.incomplete.map((r) => r.id).join(' ') || 'none';
  console.log(`axe ${name}: ${result.violations.length} violations ${JSON.stringify(byImpact)}; ${result.passes.length} rules passed; rules: ${rules}; to review: ${review}`);
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${v.id}: ${v.help}: ${v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`).join(' | ')}`),
    [],
    `axe: serious or critical violations on ${name}`,
  );
  return result.violations;
}
