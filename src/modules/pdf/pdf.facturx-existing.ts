import { createHash, randomBytes } from 'node:crypto';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFString, type PDFRef, type PDFObject } from 'pdf-lib';
import { AppError } from '../../shared/errors.js';
import { INVOICE_XML_NAMES } from '../formats/facturx/facturx.profiles.js';
import { srgbIccProfile } from './pdf.assets.js';
import { PRODUCER, type EmbeddedInvoiceXml } from './pdf.render.js';
import { facturXXmpDescriptions, xmpPacket } from './pdf.xmp.js';

const MAX_INPUT_BYTES = 50 * 1024 * 1024;

function refused(reason: string, cause?: unknown): AppError {
  return new AppError({ code: 'pdf.facturx_invalid_input', status: 400, message: `PDF source inutilisable : ${reason}.`, details: { reason }, cause });
}

/**
 * Turns an existing PDF into a Factur-X container: rewrites it with pdf-lib adding the XML as an
 * associated file, a fresh XMP packet (pdfaid 3B + fx + extension schema, dates and producer in
 * step with the Info dictionary), an sRGB OutputIntent when none exists, and a trailer /ID.
 * It does not make an arbitrary PDF PDF/A-conformant (fonts, transparency… are the source's).
 * Any previous invoice XML attachment is replaced. Never use on a signed PDF (it rewrites it).
 */
export async function attachToExistingPdf(src: Uint8Array, e: EmbeddedInvoiceXml, now: Date): Promise<Uint8Array> {
  if (src.length > MAX_INPUT_BYTES) throw refused(`fichier trop volumineux (${src.length} octets)`);
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(src, { updateMetadata: false });
  } catch (err) {
    throw refused(`lecture impossible (${(err as Error).message})`, err);
  }
  const ctx = doc.context;
  const catalog = doc.catalog;

  const md5 = createHash('md5').update(e.xml).digest('hex');
  const efRef = ctx.register(
    ctx.flateStream(e.xml, {
      Type: 'EmbeddedFile',
      Subtype: 'text/xml',
      Params: { Size: e.xml.length, CheckSum: PDFHexString.of(md5), CreationDate: PDFString.fromDate(now), ModDate: PDFString.fromDate(now) },
    }),
  );
  const specRef = ctx.register(
    ctx.obj({
      Type: 'Filespec',
      F: PDFString.of(e.documentFileName),
      UF: PDFHexString.fromText(e.documentFileName),
      Desc: PDFHexString.fromText(`Facture électronique ${e.profile} (Factur-X)`),
      AFRelationship: e.relationship,
      EF: { F: efRef, UF: efRef },
    }),
  );

  // /AF: keep other associated files, drop a previous invoice XML.
  const isInvoiceSpec = (o: PDFObject | undefined) => {
    const d = o ? ctx.lookup(o) : undefined;
    if (!(d instanceof PDFDict)) return false;
    const name = d.lookup(PDFName.of('UF')) ?? d.lookup(PDFName.of('F'));
    const text = name instanceof PDFString || name instanceof PDFHexString ? name.decodeText() : '';
    return (INVOICE_XML_NAMES as readonly string[]).includes(text);
  };
  const af = catalog.lookup(PDFName.of('AF'));
  const afItems = af instanceof PDFArray ? af.asArray().filter((o) => !isInvoiceSpec(o)) : [];
  catalog.set(PDFName.of('AF'), ctx.obj([...afItems, specRef]));

  // /Names /EmbeddedFiles: flattened and re-sorted (a name tree must be ordered by key).
  const names = (catalog.lookup(PDFName.of('Names')) as PDFDict | undefined) ?? ctx.obj({});
  const entries = collectNameTree(names.lookup(PDFName.of('EmbeddedFiles')));
  const kept = entries.filter(([k]) => !(INVOICE_XML_NAMES as readonly string[]).includes(k));
  kept.push([e.documentFileName, specRef]);
  kept.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  names.set(PDFName.of('EmbeddedFiles'), ctx.obj({ Names: kept.flatMap(([k, v]) => [PDFHexString.fromText(k), v]) }));
  if (!catalog.lookup(PDFName.of('Names'))) catalog.set(PDFName.of('Names'), ctx.register(names));

  // Info and XMP must agree (PDF/A): same producer, creator, dates, title.
  const created = doc.getCreationDate() ?? now;
  const creator = doc.getCreator() ?? PRODUCER;
  doc.setProducer(PRODUCER);
  doc.setCreator(creator);
  doc.setCreationDate(created);
  doc.setModificationDate(now);
  const xmp = xmpPacket({
    title: doc.getTitle(),
    author: doc.getAuthor(),
    subject: doc.getSubject(),
    keywords: doc.getKeywords(),
    creatorTool: creator,
    producer: PRODUCER,
    createDate: created,
    modifyDate: now,
    pdfaPart: 3,
    pdfaConformance: 'B',
    extra: facturXXmpDescriptions(e),
  });
  const xmpStream = ctx.stream(new TextEncoder().encode(xmp), { Type: 'Metadata', Subtype: 'XML' });
  catalog.set(PDFName.of('Metadata'), ctx.register(xmpStream));

  if (!catalog.lookup(PDFName.of('OutputIntents'))) {
    const icc = ctx.register(ctx.flateStream(srgbIccProfile(), { N: 3 }));
    const intent = ctx.obj({
      Type: 'OutputIntent',
      S: 'GTS_PDFA1',
      OutputConditionIdentifier: PDFString.of('sRGB IEC61966-2.1'),
      Info: PDFString.of('sRGB IEC61966-2.1'),
      DestOutputProfile: icc,
    });
    catalog.set(PDFName.of('OutputIntents'), ctx.obj([ctx.register(intent)]));
  }
  if (!ctx.trailerInfo.ID) {
    const id = PDFHexString.of(randomBytes(16).toString('hex'));
    ctx.trailerInfo.ID = ctx.obj([id, id]);
  }
  return doc.save({ useObjectStreams: false, updateFieldAppearances: false });
}

function collectNameTree(root: PDFObject | undefined): Array<[string, PDFRef | PDFObject]> {
  const out: Array<[string, PDFRef | PDFObject]> = [];
  const stack: Array<{ node: PDFObject | undefined; depth: number }> = [{ node: root, depth: 0 }];
  while (stack.length) {
    const { node, depth } = stack.pop()!;
    if (!(node instanceof PDFDict) || depth > 32 || out.length > 10_000) continue;
    const pairs = node.lookup(PDFName.of('Names'));
    if (pairs instanceof PDFArray) {
      for (let i = 0; i + 1 < pairs.size(); i += 2) {
        const k = pairs.lookup(i);
        if (k instanceof PDFString || k instanceof PDFHexString) out.push([k.decodeText(), pairs.get(i + 1)]);
      }
    }
    const kids = node.lookup(PDFName.of('Kids'));
    if (kids instanceof PDFArray) for (let i = 0; i < kids.size(); i++) stack.push({ node: kids.lookup(i), depth: depth + 1 });
  }
  return out;
}
