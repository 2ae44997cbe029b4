// A project shown by name where the server named it, as Horizon does; the id
// on hover (and as the text where no name is known: a deleted project, or
// identity delegated to a Keystone this server cannot ask).
export function ProjectName({ id, names }: { id: string | null | undefined; names: Record<string, string> | undefined }) {
  if (!id) return <>—</>;
  const name = names?.[id];
  return (
    <span title={id} data-project-id={id} data-testid="project-name" className={name ? undefined : 'font-mono'}>
      {name ?? id}
    </span>
  );
}
