// The browser side of the console's JSON routes (/api/console/...).
'use client';
import { CORE_ATTRIBUTES, TRANSIENT_STATUSES, type ImageStatus } from '@/lib/images/constants';

export const API = '/api/console';

export interface Image {
  id: string;
  name: string | null;
  status: ImageStatus;
  visibility: string;
  protected: boolean;
  disk_format: string | null;
  container_format: string | null;
  size: number | null;
  virtual_size: number | null;
  checksum: string | null;
  os_hash_algo: string | null;
  os_hash_value: string | null;
  os_hidden: boolean;
  min_disk: number;
  min_ram: number;
  owner: string | null;
  created_at: string;
  updated_at: string | null;
  tags: string[];
  self: string;
  file: string;
  schema: string;
  [property: string]: unknown;
}

export interface ImagePage {
  images: Image[];
  next?: string;
  /** Per image id: what the server's policy lets the signed-in user do. */
  allowed: Record<string, ImageActions>;
  /** Owner project id -> name where the server may tell the caller (else the id is shown). */
  projectNames?: Record<string, string>;
}

import type { ImageActions } from '@/lib/policy';
export type { ImageActions };

// The wire shapes come from the server module that builds them (type-only: nothing server-side is bundled).
export type { ImageStore, TimelineEntry } from '@/lib/console/detail';
export type { StoreOption, UploadStoreChoices } from '@/lib/uploads/store-choice';
export type { ImageImports } from '@/lib/console/imports';
export type { ImportTaskEntry } from '@/lib/console/import-tasks';
export type ImageDetail = Omit<import('@/lib/console/detail').ImageDetail, 'image'> & { image: Image };

export interface StatusFlow {
  statuses: string[];
  transitions: Record<string, string[]>;
  descriptions: Record<string, string>;
  counts: Record<string, number>;
  layouts: Record<import('@/lib/console/flow-types').FlowDirection, import('@/lib/console/flow-types').FlowLayout>;
}

/** An API error carrying Glance's own message and status. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(API + path, { ...init, headers: { Accept: 'application/json', ...(init.headers ?? {}) } });
  const text = await res.text();
  if (!res.ok) {
    let message = text || res.statusText;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? message;
    } catch {
      /* not JSON */
    }
    throw new ApiError(res.status, message.replace(/<br \/>/g, '').trim());
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

export const sendJson = (method: string, body: unknown): RequestInit => ({
  method,
  body: JSON.stringify(body),
  headers: { 'Content-Type': 'application/json' },
});

/** Statuses that change on their own; the console keeps polling while any is shown. */
export const TRANSIENT: ReadonlySet<string> = new Set(TRANSIENT_STATUSES);

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function customProperties(image: Image): [string, string][] {
  return Object.entries(image).filter(([k]) => !CORE_ATTRIBUTES.has(k)).map(([k, v]) => [k, String(v)]);
}

