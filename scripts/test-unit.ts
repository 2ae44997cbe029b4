// npm run test:unit: the unit tier alone (tests/unit), with no server,
// database or build. Arguments filter the files by substring, as in npm test.
import { runUnitTests, selectFiles, testFiles, UNIT_DIR } from './lib/test-runner';

const files = selectFiles(testFiles(UNIT_DIR), process.argv.slice(2));
if (files.length === 0) {
  console.error('[test:unit] no unit test file matches');
  process.exit(1);
}
runUnitTests(files).then((code) => process.exit(code));
