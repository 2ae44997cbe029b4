'use client';
// Copies a value (ids, hashes) to the clipboard and says so.
import { useState } from 'react';

export function CopyButton({ value, label }: { value: string; label: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      // Older browsers / insecure origins: select-and-copy fallback.
      const t = document.createElement('textarea');
      t.value = value;
      document.body.appendChild(t);
      t.select();
      document.execCommand('copy');
      t.remove();
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  return (
    <button type="button" onClick={copy} className="btn-link ml-2 text-xs" aria-label={`Copy ${label}`}>
      {copied ? 'Copied' : 'Copy'}
      <span className="sr-only" aria-live="polite">{copied ? `${label} copied` : ''}</span>
    </button>
  );
}
