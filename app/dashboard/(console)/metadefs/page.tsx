// Metadata definitions (admins): the catalog's namespaces, import, public/protected, delete.
import { redirect } from 'next/navigation';
import { NamespacesAdmin } from '@/components/console/metadefs/namespaces-admin';
import { consoleContext } from '@/http/console-session';

export const metadata = { title: 'Metadata definitions · Glance console' };

export default async function MetadefsPage() {
  // Every change to the catalog is admin-only (Glance's metadef policies); others go back to their images.
  if (!(await consoleContext()).isAdmin) redirect('/dashboard');
  return <NamespacesAdmin />;
}
