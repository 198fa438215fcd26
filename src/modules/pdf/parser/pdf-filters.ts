import { inflateSync, constants as zc } from 'node:zlib';
import { PdfDict, PdfName, PdfSyntaxError, type PdfValue } from './pdf-objects.js';

/** Decompression limits: an embedded file or object stream may be a deliberate bomb. */
export type DecodeLimits = {
  maxOutputBytes: number;
  /** output / input; a real XML invoice compresses ~5–20×, bombs 1000×. */
  maxRatio: number;
};

/**
 * Decodes a stream's raw bytes through its /Filter chain. Only filters that carry data we need
 * (xref streams, object streams, embedded files, XMP) are supported: Flate (+ PNG/TIFF
 * predictors), ASCIIHex, ASCII85.
 */
export function decodeStreamBytes(
  raw: Uint8Array,
  dict: PdfDict,
  limits: DecodeLimits,
  resolve: (v: PdfValue | undefined) => PdfValue | undefined,
): Uint8Array {
  const filterV = resolve(dict.get('Filter'));
  const parmsV = resolve(dict.get('DecodeParms'));
  const filters = filterV === undefined || filterV === null ? [] : Array.isArray(filterV) ? filterV : [filterV];
  const parms = Array.isArray(parmsV) ? parmsV : [parmsV];
  if (filters.length > 4) throw new PdfSyntaxError('chaîne de filtres trop longue');
  let data = raw;
  filters.forEach((f, i) => {
    const name = resolve(f);
    if (!(name instanceof PdfName)) throw new PdfSyntaxError('filtre de flux invalide');
    const p = resolve(parms[i] ?? undefined);
    data = applyFilter(name.name, data, p instanceof PdfDict ? p : null, limits, resolve);
  });
  return data;
}

function applyFilter(
  name: string,
  data: Uint8Array,
  parms: PdfDict | null,
  limits: DecodeLimits,
  resolve: (v: PdfValue | undefined) => PdfValue | undefined,
): Uint8Array {
  switch (name) {
    case 'FlateDecode':
    case 'Fl': {
      const out = inflateLimited(data, limits);
      return parms ? unpredict(out, parms, resolve) : out;
    }
    case 'ASCIIHexDecode':
    case 'AHx':
      return asciiHex(data);
    case 'ASCII85Decode':
    case 'A85':
      return ascii85(data, limits);
    default:
      throw new PdfSyntaxError(`filtre de flux non pris en charge : ${name}`);
  }
}

export function inflateLimited(data: Uint8Array, limits: DecodeLimits): Uint8Array {
  const cap = Math.min(limits.maxOutputBytes, Math.max(1024, data.length * limits.maxRatio));
  let out: Buffer;
  try {
    // Z_SYNC_FLUSH tolerates a missing Adler-32 trailer, common in real-world PDFs.
    out = inflateSync(data, { maxOutputLength: cap + 1, finishFlush: zc.Z_SYNC_FLUSH });
  } catch (e) {
    if (e instanceof RangeError || (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new PdfSyntaxError(limitReason(data.length, cap, limits));
    }
    throw new PdfSyntaxError(`flux compressé illisible (${(e as Error).message})`);
  }
  if (out.length > cap) throw new PdfSyntaxError(limitReason(data.length, cap, limits));
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

function limitReason(inLen: number, cap: number, limits: DecodeLimits): string {
  return cap >= limits.maxOutputBytes
    ? `flux décompressé au-delà de la limite de ${limits.maxOutputBytes} octets`
    : `taux de compression suspect (> ${limits.maxRatio}:1 sur ${inLen} octets, bombe de décompression probable)`;
}

function unpredict(
  data: Uint8Array,
  parms: PdfDict,
  resolve: (v: PdfValue | undefined) => PdfValue | undefined,
): Uint8Array {
  const num = (k: string, d: number) => {
    const v = resolve(parms.get(k));
    return typeof v === 'number' ? v : d;
  };
  const predictor = num('Predictor', 1);
  if (predictor <= 1) return data;
  const colors = num('Colors', 1);
  const bpc = num('BitsPerComponent', 8);
  const columns = num('Columns', 1);
  if (colors < 1 || colors > 32 || ![1, 2, 4, 8, 16].includes(bpc) || columns < 1 || columns > 1 << 20) {
    throw new PdfSyntaxError('paramètres de prédicteur invalides');
  }
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  const rowLen = Math.ceil((colors * bpc * columns) / 8);
  if (predictor === 2) return tiffUnpredict(data, bpp, rowLen, bpc);
  if (predictor < 10) throw new PdfSyntaxError(`prédicteur non pris en charge : ${predictor}`);
  const rows = Math.floor(data.length / (rowLen + 1));
  const out = new Uint8Array(rows * rowLen);
  const prev = new Uint8Array(rowLen);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowLen + 1)];
    const src = r * (rowLen + 1) + 1;
    const row = out.subarray(r * rowLen, (r + 1) * rowLen);
    for (let i = 0; i < rowLen; i++) {
      const raw = data[src + i];
      const left = i >= bpp ? row[i - bpp] : 0;
      const up = prev[i];
      const upLeft = i >= bpp ? prev[i - bpp] : 0;
      let v: number;
      switch (type) {
        case 0: v = raw; break;
        case 1: v = raw + left; break;
        case 2: v = raw + up; break;
        case 3: v = raw + ((left + up) >> 1); break;
        case 4: {
          const p = left + up - upLeft;
          const pa = Math.abs(p - left), pb = Math.abs(p - up), pc = Math.abs(p - upLeft);
          v = raw + (pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
          break;
        }
        default: throw new PdfSyntaxError(`type de ligne PNG invalide : ${type}`);
      }
      row[i] = v & 0xff;
    }
    prev.set(row);
  }
  return out;
}

function tiffUnpredict(data: Uint8Array, bpp: number, rowLen: number, bpc: number): Uint8Array {
  if (bpc !== 8) throw new PdfSyntaxError('prédicteur TIFF pris en charge seulement sur 8 bits');
  const out = Uint8Array.from(data);
  for (let r = 0; r + rowLen <= out.length; r += rowLen) {
    for (let i = bpp; i < rowLen; i++) out[r + i] = (out[r + i] + out[r + i - bpp]) & 0xff;
  }
  return out;
}

function asciiHex(data: Uint8Array): Uint8Array {
  const text = Buffer.from(data).toString('latin1');
  const end = text.indexOf('>');
  const hex = (end >= 0 ? text.slice(0, end) : text).replace(/\s+/g, '');
  if (!/^[0-9a-fA-F]*$/.test(hex)) throw new PdfSyntaxError('flux ASCIIHex invalide');
  return new Uint8Array(Buffer.from(hex.length % 2 ? hex + '0' : hex, 'hex'));
}

function ascii85(data: Uint8Array, limits: DecodeLimits): Uint8Array {
  const out: number[] = [];
  let group: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const c = data[i];
    if (c === 0x7e) break; // ~>
    if (c <= 32) continue;
    if (c === 0x7a && group.length === 0) {
      out.push(0, 0, 0, 0);
    } else {
      if (c < 33 || c > 117) throw new PdfSyntaxError('flux ASCII85 invalide');
      group.push(c - 33);
      if (group.length === 5) {
        const v = group.reduce((a, d) => a * 85 + d, 0);
        out.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
        group = [];
      }
    }
    if (out.length > limits.maxOutputBytes) throw new PdfSyntaxError('flux ASCII85 trop grand');
  }
  if (group.length > 1) {
    const n = group.length;
    while (group.length < 5) group.push(84);
    const v = group.reduce((a, d) => a * 85 + d, 0);
    const bytes = [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
    out.push(...bytes.slice(0, n - 1));
  }
  return Uint8Array.from(out);
}
