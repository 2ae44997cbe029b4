// The console's home. The full images panel arrives with the console issue;
// until then this page states what the service is and where its API lives.
export const dynamic = 'force-dynamic';

export default function DashboardPage() {
  return (
    <main className="mx-auto max-w-3xl p-8">
      <h1 className="text-2xl font-semibold">Images</h1>
      <p className="mt-2 text-slate-600">
        The Glance v2 API is served at <code className="rounded bg-slate-200 px-1">/v2</code>; point the
        <code className="mx-1 rounded bg-slate-200 px-1">openstack</code> CLI or curl at this host on port 9292.
      </p>
    </main>
  );
}
