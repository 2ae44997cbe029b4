// GET /v2/images query strings as Glance reads them: expectations from
// Glance 25.1's RequestDeserializer.index and ImagesController.index fed the
// same query strings (first or last of repeated parameters, error texts),
// with the sort completed by created_at and id as its database layer does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GlanceError } from '../../lib/errors';
import { errorResponse } from '../../lib/http/respond';
import { DEFAULT_LIMIT, MAX_LIMIT, parseListRequest, pythonInt, type ListQuery } from '../../lib/images/listing/params';
import { pageLinks } from '../../lib/images/listing/links';
import { recordedCalls } from '../helpers/recorded-requests';

function parse(qs: string): ListQuery {
  return parseListRequest(new URLSearchParams(qs));
}

function refusal(qs: string): string {
  try {
    parse(qs);
  } catch (err) {
    assert.ok(err instanceof GlanceError);
    assert.equal(err.status, 400);
    return err.message;
  }
  assert.fail(`${qs} was accepted`);
}

const sort = (...specs: string[]) => specs.map((s) => ({ key: s.split(':')[0], dir: s.split(':')[1] }));

test('no parameters: 25 images, newest first, accepted memberships, hidden images left out', () => {
  const r = parse('');
  assert.equal(r.limit, DEFAULT_LIMIT);
  assert.equal(DEFAULT_LIMIT, 25);
  assert.equal(r.marker, null);
  assert.equal(r.memberStatus, 'accepted');
  assert.deepEqual(r.tags, []);
  assert.equal(r.visibility, null);
  assert.equal(r.osHidden, false);
  assert.equal(r.protected, null);
  assert.deepEqual([...r.filters], []);
  assert.deepEqual(r.sort, sort('created_at:desc', 'id:desc'));
});

test('limit: an integer as Python reads it, capped at api_limit_max', () => {
  assert.equal(parse('limit=2').limit, 2);
  assert.equal(parse('limit=0').limit, 0);
  assert.equal(parse('limit=%201_000%20').limit, 1000);
  assert.equal(parse('limit=5000').limit, MAX_LIMIT);
  assert.equal(MAX_LIMIT, 1000);
  assert.equal(refusal('limit=-1'), 'limit param must be positive');
  assert.equal(refusal('limit=abc'), 'limit param must be an integer');
  assert.equal(refusal('limit=1.5'), 'limit param must be an integer');
});

test('limit, marker and member_status take the first occurrence', () => {
  assert.equal(parse('limit=2&limit=3').limit, 2);
  assert.equal(parse('marker=a&marker=b').marker, 'a');
  assert.equal(parse('member_status=pending&member_status=bogus').memberStatus, 'pending');
  // The later duplicates stay behind as filters, as in Glance's MultiDict.
  assert.equal(parse('marker=a&marker=b').filters.get('marker'), 'b');
});

test('both sort syntaxes, completed by created_at and id', () => {
  assert.deepEqual(parse('sort_key=name&sort_dir=asc').sort, sort('name:asc', 'created_at:asc', 'id:asc'));
  assert.deepEqual(parse('sort=name:desc,created_at').sort, sort('name:desc', 'created_at:desc', 'id:desc'));
  assert.deepEqual(parse('sort=name,size:asc').sort, sort('name:desc', 'size:asc', 'created_at:desc', 'id:desc'));
  assert.deepEqual(parse('sort=%20name%20:%20asc%20').sort, sort('name:asc', 'created_at:asc', 'id:asc'));
  assert.deepEqual(parse('sort_dir=asc').sort, sort('created_at:asc', 'id:asc'));
  // One direction applies to every key; several must match the keys one for one.
  assert.deepEqual(parse('sort_key=name&sort_key=size&sort_dir=asc').sort, sort('name:asc', 'size:asc', 'created_at:asc', 'id:asc'));
  assert.deepEqual(parse('sort_key=name&sort_key=size&sort_dir=asc&sort_dir=desc').sort, sort('name:asc', 'size:desc', 'created_at:desc', 'id:desc'));
  assert.deepEqual(parse('sort_key=id&sort_dir=asc').sort, sort('id:asc', 'created_at:asc'));
  // sort itself is popped once; a second sort is left over as a filter.
  assert.deepEqual(parse('sort=name:asc&sort=size:desc').sort, sort('name:asc', 'created_at:asc', 'id:asc'));
});

test('sort errors, with Glance\'s texts', () => {
  const keys = 'name, status, container_format, disk_format, size, id, created_at, updated_at';
  assert.equal(refusal('sort_key=bogus'), `Invalid sort key: bogus. It must be one of the following: ${keys}.`);
  assert.equal(refusal('sort=bogus'), `Invalid sort key: bogus. It must be one of the following: ${keys}.`);
  assert.equal(refusal('sort_dir=sideways'), 'Invalid sort direction: sideways');
  assert.equal(refusal('sort=name:up'), 'Invalid sort direction: up');
  assert.equal(refusal('sort_key=name&sort_dir=asc&sort_dir=desc'), 'Number of sort dirs does not match the number of sort keys');
  assert.equal(refusal('sort_key=name&sort_key=size&sort_key=id&sort_dir=asc&sort_dir=desc'), 'Number of sort dirs does not match the number of sort keys');
  assert.equal(refusal('sort=name&sort_key=size'), 'Old and new sorting syntax cannot be combined');
});

test('filters: the last value of each, unknown names kept as custom-property filters', () => {
  assert.equal(parse('status=bogus').filters.get('status'), 'bogus');
  assert.equal(parse('name=a&name=b').filters.get('name'), 'b');
  assert.deepEqual([...parse('os_distro=cirros&size_min=5').filters], [['os_distro', 'cirros'], ['size_min', '5']]);
  assert.deepEqual(parse('tag=a&tag=b').tags, ['a', 'b']);
  assert.deepEqual(parse('tag=%20a%20').tags, ['a']);
});

test('visibility and member_status are checked; "" and "all" are valid', () => {
  assert.equal(refusal('visibility=bogus'), 'Invalid visibility value: bogus');
  assert.equal(parse('visibility=all').visibility, 'all');
  assert.equal(parse('visibility=').visibility, '');
  assert.equal(refusal('member_status=bogus'), 'Invalid status: bogus');
  assert.equal(parse('member_status=all').memberStatus, 'all');
  assert.equal(refusal('changes-since=2020-01-01'), 'The "changes-since" filter is no longer available on v2.');
});

test('os_hidden (any case) and protected (lower case only) are booleans', () => {
  assert.equal(parse('os_hidden=true').osHidden, true);
  assert.equal(parse('os_hidden=TRUE').osHidden, true);
  assert.equal(refusal('os_hidden=yes'), "Invalid value 'yes' for 'os_hidden' filter. Valid values are 'true' or 'false'.");
  assert.equal(parse('protected=false').protected, false);
  assert.equal(parse('protected=true').protected, true);
  assert.equal(refusal('protected=False'), "Invalid value 'False' for 'protected' filter. Valid values are 'true' or 'false'.");
  assert.equal(parse('protected=true&os_hidden=true').filters.size, 0);
});

test("pythonInt is Python's int(): whitespace, sign and digit-group underscores", () => {
  assert.equal(pythonInt(' 42 '), 42);
  assert.equal(pythonInt('+7'), 7);
  assert.equal(pythonInt('-7'), -7);
  assert.equal(pythonInt('1_000_000'), 1000000);
  for (const bad of ['', '1__0', '_1', '1_', '0x10', '1e3', '1.0', 'abc']) assert.equal(pythonInt(bad), null, bad);
});

// The recorded list requests: refusals render to Glance's bytes, and the
// `first`/`next` links of the answers are rebuilt from the query alone.
const LIST_TRANSCRIPTS = ['02-list-empty.txt', '06-list-with-items.txt', '14-list-filters-sort-paging.txt'];

test('the transcripts hold list requests with and without a next link', () => {
  const calls = LIST_TRANSCRIPTS.flatMap((file) => [...recordedCalls(file).values()].filter((c) => c.request.url.pathname === '/v2/images'));
  assert.ok(calls.filter((c) => c.status === 200).length >= 20);
  assert.ok(calls.filter((c) => c.status === 200 && JSON.parse(c.response.body).next).length >= 2);
  assert.ok(calls.filter((c) => c.status === 400).length >= 4);
});

for (const file of LIST_TRANSCRIPTS) {
  for (const [title, call] of recordedCalls(file)) {
    if (call.request.method !== 'GET' || call.request.url.pathname !== '/v2/images') continue;
    const query = call.request.url.searchParams;
    if (call.status === 400 && !query.has('marker')) {
      test(`${file}: ${title}: Glance's 400`, async () => {
        let error: unknown;
        try {
          parseListRequest(query);
        } catch (err) {
          error = err;
        }
        assert.ok(error instanceof GlanceError, 'refused');
        assert.equal(await errorResponse(error, call.request.headers.accept).text(), call.response.body);
      });
    }
    if (call.status === 200) {
      test(`${file}: ${title}: links as Glance wrote them`, () => {
        const body = JSON.parse(call.response.body) as { images: { id: string }[]; first: string; next?: string };
        const r = parseListRequest(query);
        const full = body.images.length === r.limit && r.limit > 0;
        const links = pageLinks(query, full ? body.images[body.images.length - 1].id : null);
        assert.equal(links.first, body.first);
        assert.equal(links.next, body.next);
      });
    }
  }
}
