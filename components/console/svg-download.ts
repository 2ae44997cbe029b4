// Saves a drawn SVG as a file that opens on its own: every style the diagram
// uses is a presentation attribute, so only the page's classes and sizing go.
'use client';

export function svgFileText(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.removeAttribute('style');
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  for (const el of [copy, ...copy.querySelectorAll('*')]) {
    el.removeAttribute('class');
    for (const a of [...el.attributes]) if (a.name.startsWith('data-') || a.name === 'tabindex') el.removeAttribute(a.name);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}\n`;
}

export function downloadSvg(svg: SVGSVGElement, filename: string): void {
  const url = URL.createObjectURL(new Blob([svgFileText(svg)], { type: 'image/svg+xml' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
