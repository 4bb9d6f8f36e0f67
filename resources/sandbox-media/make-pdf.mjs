// Writes notes.pdf: a two-page PDF 1.4 with one line of Helvetica text per page, byte offsets computed so the
// xref table is exact. Run: node resources/sandbox-media/make-pdf.mjs (see README.md here).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const pages = ['Sandbox notes - page 1 of 2', 'Sandbox notes - page 2 of 2'];
const objects = [];
objects.push('<< /Type /Catalog /Pages 2 0 R >>');
const kids = pages.map((_, i) => `${4 + i * 2} 0 R`).join(' ');
objects.push(`<< /Type /Pages /Kids [${kids}] /Count ${pages.length} >>`);
objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
pages.forEach((text, i) => {
  const content = `BT /F1 18 Tf 72 720 Td (${text}) Tj ET`;
  objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${5 + i * 2} 0 R >>`);
  objects.push(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
});
let out = '%PDF-1.4\n';
const offsets = [];
objects.forEach((body, i) => {
  offsets.push(out.length);
  out += `${i + 1} 0 obj\n${body}\nendobj\n`;
});
const xref = out.length;
out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
writeFileSync(fileURLToPath(new URL('notes.pdf', import.meta.url)), out, 'latin1');
