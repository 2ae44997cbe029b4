'use client';
// The Images page: uploads on top, the list below; both share react-query's cache.
import { ImagesTable } from './images-table';
import { Uploads } from './uploads';

export function ImagesPanel() {
  return (
    <div>
      <h1 className="mb-3 text-2xl font-semibold">Images</h1>
      <Uploads />
      <ImagesTable />
    </div>
  );
}
