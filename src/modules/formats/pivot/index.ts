/** Public API: Chorus PIVOT reading (XML or zip, hardened) and writing (used by the Chorus sandbox). */
export { readPivot, defaultPivotReadLimits, type PivotReadLimits } from './pivot.reader.js';
export { buildPivot } from './pivot.writer.js';
export { unzipLimited, isZip, defaultZipLimits, type ZipLimits, type ZipEntry } from './pivot.zip.js';
export type * from './pivot.models.js';
