/** MIME type from the content's magic bytes first, then the file extension. */
export function guessMime(filename: string, bytes: Uint8Array): string {
  const starts = (...m: number[]) => m.every((b, i) => bytes[i] === b);
  if (starts(0x25, 0x50, 0x44, 0x46)) return 'application/pdf';
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x50, 0x4b, 0x03, 0x04)) {
    if (/\.docx$/i.test(filename)) return 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
    if (/\.xlsx$/i.test(filename)) return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    return 'application/zip';
  }
  const ext = /\.([A-Za-z0-9]+)$/.exec(filename)?.[1]?.toLowerCase();
  const byExt: Record<string, string> = { xml: 'application/xml', csv: 'text/csv', txt: 'text/plain', tif: 'image/tiff', tiff: 'image/tiff' };
  return (ext && byExt[ext]) ?? 'application/octet-stream';
}
