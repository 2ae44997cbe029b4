// One metadata definitions namespace (admins): its resource types, properties, objects and tags.
import { redirect } from 'next/navigation';
import { NamespaceView } from '@/components/console/metadefs/namespace-view';
import { consoleContext } from '@/http/console-session';

export const metadata = { title: 'Namespace · Glance console' };

export default async function NamespacePage({ params }: { params: Promise<{ namespace: string }> }) {
  if (!(await consoleContext()).isAdmin) redirect('/dashboard');
  const { namespace } = await params;
  return <NamespaceView name={decodeURIComponent(namespace)} />;
}
