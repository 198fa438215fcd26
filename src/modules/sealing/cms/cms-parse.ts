import { children, expectTag, parseDer, readOid, type Node } from '../asn1/der-reader.js';
import { OID } from '../asn1/oids.js';

export type ParsedAttribute = { type: string; values: Node[] };

export type ParsedSignerInfo = {
  version: number;
  sid: { issuerDer: Uint8Array; serialDer: Uint8Array } | { subjectKeyId: Uint8Array };
  digestAlgorithm: string;
  /** Signed attributes re-tagged as SET (0x31): the bytes the signature covers. */
  signedAttrsDer?: Uint8Array;
  signedAttrs: ParsedAttribute[];
  signatureAlgorithm: string;
  signatureAlgorithmParams?: Node;
  signature: Uint8Array;
  unsignedAttrs: ParsedAttribute[];
};

export type ParsedSignedData = {
  eContentType: string;
  eContent?: Uint8Array;
  certificates: Uint8Array[];
  crls: Uint8Array[];
  signerInfos: ParsedSignerInfo[];
};

function parseAttributes(node: Node): ParsedAttribute[] {
  return children(node).map((a) => {
    const [t, vals] = children(a);
    return { type: readOid(t), values: children(expectTag(vals, 0x31, 'attribute values')) };
  });
}

/** Parses a CMS ContentInfo holding SignedData (RFC 5652). Throws DerError on malformed input. */
export function parseSignedData(der: Uint8Array): ParsedSignedData {
  const ci = children(parseDer(der, 'ContentInfo'));
  if (readOid(ci[0]) !== OID.signedData) throw new Error('not a SignedData');
  const sd = children(children(expectTag(ci[1], 0xa0, 'content'))[0]);
  let i = 1; // version
  i++; // digestAlgorithms
  const encap = children(sd[i++]);
  const eContentType = readOid(encap[0]);
  let eContent: Uint8Array | undefined;
  if (encap[1]) {
    const inner = children(encap[1])[0];
    // OCTET STRING, possibly constructed (BER) — concatenate segments.
    eContent = inner.constructed ? Buffer.concat(children(inner).map((c) => c.value)) : inner.value;
  }
  const certificates: Uint8Array[] = [];
  const crls: Uint8Array[] = [];
  if (sd[i]?.tag === 0xa0) {
    for (const c of children(sd[i++])) if (c.tag === 0x30) certificates.push(c.raw);
  }
  if (sd[i]?.tag === 0xa1) {
    for (const c of children(sd[i++])) if (c.tag === 0x30) crls.push(c.raw);
  }
  const signerInfos = children(expectTag(sd[i], 0x31, 'signerInfos')).map(parseSignerInfo);
  return { eContentType, eContent, certificates, crls, signerInfos };
}

function parseSignerInfo(node: Node): ParsedSignerInfo {
  const f = children(node);
  let i = 0;
  const version = f[i++].value[0];
  const sidNode = f[i++];
  const sid =
    sidNode.tag === 0x30
      ? { issuerDer: children(sidNode)[0].raw, serialDer: children(sidNode)[1].raw }
      : { subjectKeyId: sidNode.value };
  const digestAlgorithm = readOid(children(f[i++])[0]);
  let signedAttrsDer: Uint8Array | undefined;
  let signedAttrs: ParsedAttribute[] = [];
  if (f[i]?.tag === 0xa0) {
    const n = f[i++];
    signedAttrsDer = new Uint8Array(n.raw);
    signedAttrsDer[0] = 0x31;
    signedAttrs = parseAttributes(n);
  }
  const sigAlg = children(f[i++]);
  const signature = expectTag(f[i++], 0x04, 'signature').value;
  const unsignedAttrs = f[i]?.tag === 0xa1 ? parseAttributes(f[i]) : [];
  return {
    version,
    sid,
    digestAlgorithm,
    signedAttrsDer,
    signedAttrs,
    signatureAlgorithm: readOid(sigAlg[0]),
    signatureAlgorithmParams: sigAlg[1],
    signature,
    unsignedAttrs,
  };
}

export function attributeValues(attrs: ParsedAttribute[], type: string): Node[][] {
  return attrs.filter((a) => a.type === type).map((a) => a.values);
}
