/**
 * The example's build step: writes `udf-lib-<version>.jar`, a real jar (a zip with a manifest
 * and one resource), as a Java build would leave it in `target/`. The entries are stored (no
 * compression) with a fixed timestamp, so the same version gives the same bytes, hence the same
 * SHA-256 and the same staged object key on every machine. Written by hand because no kept
 * library of this repository writes zips and the format needs only three record types
 * (APPNOTE.TXT 4.3: local file header, central directory header, end of central directory).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** 2026-01-01 00:00 in MS-DOS date/time (APPNOTE.TXT 4.4.6). */
const DOS_DATE = ((2026 - 1980) << 9) | (1 << 5) | 1;
const DOS_TIME = 0;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A stored (uncompressed) zip of the given entries, in order. */
export function zipStored(entries: ReadonlyArray<{ name: string; data: Buffer }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const fileName = Buffer.from(name, "utf8");
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(10, 4); // version needed: 1.0 (stored)
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // made by: 2.0
    central.writeUInt16LE(10, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** Builds `<outDir>/udf-lib-<version>.jar` and returns its path. */
export function buildJar(outDir: string, version: string): string {
  const manifest = `Manifest-Version: 1.0\r\nCreated-By: cdktf-dli-packages examples/local-files\r\nImplementation-Title: udf-lib\r\nImplementation-Version: ${version}\r\n\r\n`;
  const jar = zipStored([
    { name: "META-INF/MANIFEST.MF", data: Buffer.from(manifest) },
    { name: "com/example/udf/version.properties", data: Buffer.from(`version=${version}\n`) },
  ]);
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, `udf-lib-${version}.jar`);
  writeFileSync(path, jar);
  return path;
}
