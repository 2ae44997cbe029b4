// The console's upload speed: a sliding window over progress samples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpeedMeter } from '../../components/console/upload-speed';

test('no speed until the samples span enough time to mean something', () => {
  const m = new SpeedMeter();
  assert.equal(m.sample('a', 0, 1000), null);
  assert.equal(m.sample('a', 1000, 1100), null); // 100 ms: too short
  assert.equal(m.sample('a', 3000, 1300), 10_000); // 3000 bytes in 300 ms
});

test('old samples leave the window, so the figure follows a change of pace', () => {
  const m = new SpeedMeter();
  m.sample('a', 0, 0);
  m.sample('a', 1_000_000, 1000); // 1 MB/s at first
  assert.equal(m.sample('a', 1_100_000, 3000), (1_100_000 * 1000) / 3000);
  m.sample('a', 1_150_000, 4500); // then slow: by 5.5 s the window starts at the 3 s sample
  assert.equal(m.sample('a', 1_200_000, 5500), 40_000); // 100 kB in 2.5 s
});

test('uploads are measured apart, and a reset (pause) starts over', () => {
  const m = new SpeedMeter();
  m.sample('a', 0, 0);
  m.sample('b', 0, 0);
  assert.equal(m.sample('a', 500, 500), 1000);
  assert.equal(m.sample('b', 5000, 500), 10_000);
  m.reset('a');
  assert.equal(m.sample('a', 600, 10_000), null);
});
