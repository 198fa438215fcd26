import type { HashName } from '../asn1/oids.js';
import type { TsaClient } from '../tsa/tsa.js';
import { loadPdf } from './pdf-load.js';
import { ContentsOverflow, byteRangeDigest, embedContents, prepareSignature } from './signature-field.js';

/**
 * B-LTA: a document timestamp (/Type /DocTimeStamp, /SubFilter /ETSI.RFC3161) over the whole
 * file including the DSS, so the validation data is itself time-stamped.
 */
export async function addDocumentTimestamp(bytes: Uint8Array, { tsa, hash }: { tsa: TsaClient; hash: HashName }): Promise<Uint8Array> {
  const pdf = await loadPdf(bytes);
  let reserve = 12 * 1024;
  for (let attempt = 0; attempt < 3; attempt++) {
    const prepared = prepareSignature(pdf, { kind: 'doc-timestamp', contentsSize: reserve, fieldName: `Horodatage${pdf.size}` });
    const { token } = await tsa.timestamp({ digest: byteRangeDigest(prepared, hash), hash });
    try {
      return embedContents(prepared, token);
    } catch (e) {
      if (!(e instanceof ContentsOverflow)) throw e;
      reserve = e.needed + 2048;
    }
  }
  throw new Error('document timestamp does not fit');
}
