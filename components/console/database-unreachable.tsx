// What a console page shows while the database cannot be reached: the
// reason in words and a way to retry, instead of Next's bare error page.
export function DatabaseUnreachable() {
  return (
    <main id="main" className="mx-auto max-w-2xl px-4 py-16">
      <div role="alert" className="rounded border border-amber-300 bg-amber-50 p-6 text-slate-900">
        <h1 className="text-lg font-semibold">Service unavailable</h1>
        <p className="mt-2 text-sm">
          The image service cannot reach its database. Images, uploads and sign-in wait for it; nothing was changed.
        </p>
        <p className="mt-4 text-sm">
          <a href="" className="font-medium text-blue-800 underline focus:outline focus:outline-2 focus:outline-blue-700">Try again</a>
        </p>
      </div>
    </main>
  );
}
