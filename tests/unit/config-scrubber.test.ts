// [DEFAULT] delayed_delete, scrub_time, wakeup_time, scrub_pool_size: Glance's
// defaults, the values as written, and Glance's minimums refused by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseConfig } from '../../lib/config';

for (const name of ['DATABASE_URL', 'GLANCE_CONFIG_FILE']) delete process.env[name];
const parse = (text: string) => parseConfig(text, null, '/srv/glance').delayedDelete;

test("Glance's defaults: off, scrub_time 0, wakeup_time 300, scrub_pool_size 1", () => {
  assert.deepEqual(parse(''), { enabled: false, scrubTime: 0, wakeupTime: 300, scrubPoolSize: 1 });
});

test('the values as written, oslo.config booleans', () => {
  assert.deepEqual(parse('[DEFAULT]\ndelayed_delete = True\nscrub_time = 86400\nwakeup_time = 60\nscrub_pool_size = 4\n'), { enabled: true, scrubTime: 86400, wakeupTime: 60, scrubPoolSize: 4 });
  assert.equal(parse('[DEFAULT]\ndelayed_delete = off\n').enabled, false);
});

test('bad values are refused with the key', () => {
  const refusal = (text: string) => {
    assert.throws(() => parse(text), ConfigError);
    try {
      parse(text);
    } catch (err) {
      return (err as Error).message;
    }
  };
  assert.equal(refusal('[DEFAULT]\ndelayed_delete = maybe\n'), '[DEFAULT] delayed_delete must be true or false, got "maybe"');
  assert.equal(refusal('[DEFAULT]\nscrub_time = -1\n'), '[DEFAULT] scrub_time must be a non-negative integer, got "-1"');
  assert.equal(refusal('[DEFAULT]\nscrub_pool_size = 0\n'), '[DEFAULT] scrub_pool_size must be at least 1, got "0"');
});
