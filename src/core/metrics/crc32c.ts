/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as TFRecord framing uses it, plus
 * TensorFlow's "masked" form. Written here because Node has no CRC32C and the event-file
 * reader must check every record.
 */

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32c(data: Uint8Array, start = 0, end = data.length): number {
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** TFRecord stores `((crc >>> 15) | (crc << 17)) + 0xa282ead8` so data containing CRCs does not self-check. */
export function maskCrc(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

export function maskedCrc32c(data: Uint8Array, start = 0, end = data.length): number {
  return maskCrc(crc32c(data, start, end));
}
