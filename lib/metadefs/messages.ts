// Glance's exception texts for the catalog (glance/common/exception.py), one place.
import { Conflict, Forbidden, NotFound } from '@/lib/errors';

export const namespaceNotFound = (ns: string) => new NotFound(`Metadata definition namespace=${ns} was not found.`);
export const notVisible = (ns: string) => new Forbidden(`Forbidding request, metadata definition namespace=${ns} is not visible.`);
export const duplicateNamespace = (ns: string) => new Conflict(`The metadata definition namespace=${ns} already exists.`);
export const duplicateObject = (name: string, ns: string) =>
  new Conflict(`A metadata definition object with name=${name} already exists in namespace=${ns}.`);
export const duplicateProperty = (name: string, ns: string) =>
  new Conflict(`A metadata definition property with name=${name} already exists in namespace=${ns}.`);
export const duplicateTag = (name: string, ns: string) =>
  new Conflict(`A metadata tag with name=${name} already exists in namespace=${ns}. (Please note that metadata tag names are case insensitive).`);
export const duplicateAssociation = (rt: string, ns: string) =>
  new Conflict(`The metadata definition resource-type association of resource-type=${rt} to namespace=${ns} already exists.`);
// The repositories' words (glance/db/__init__.py), not the exceptions' own.
export const objectNotFound = (name: string) => new NotFound(`Could not find metadata object ${name}`);
export const propertyNotFound = (name: string) => new NotFound(`Could not find property ${name}`);
export const tagNotFound = (name: string) => new NotFound(`Could not find metadata tag ${name}`);

/** The domain objects' delete(): nothing in a protected namespace may be deleted. */
export const protectedNamespace = (ns: string) => new Forbidden(`Metadata definition namespace ${ns} is protected and cannot be deleted.`);
export const protectedObject = (name: string) => new Forbidden(`Metadata definition object ${name} is protected and cannot be deleted.`);
export const protectedProperty = (name: string) => new Forbidden(`Metadata definition property ${name} is protected and cannot be deleted.`);
export const protectedTag = (name: string) => new Forbidden(`Metadata definition tag ${name} is protected and cannot be deleted.`);
export const protectedAssociation = (rt: string) =>
  new Forbidden(`Metadata definition resource-type-association ${rt} is protected and cannot be deleted.`);

/** True for Prisma's unique-constraint failure (P2002). */
export function isDuplicate(err: unknown): boolean {
  return (err as { code?: string })?.code === 'P2002';
}
