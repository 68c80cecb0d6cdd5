import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeSha256, crc32, createZip } from '#core/zip.js';

describe('createZip', () => {
  const entries = [
    { path: 'package.json', data: Buffer.from('{"type":"module"}\n') },
    { path: 'index.js', data: Buffer.from('export const handler = async () => 42;\n'.repeat(50)) },
  ];

  it('gives the same bytes for the same files in any order', () => {
    expect(createZip(entries).equals(createZip([...entries].reverse()))).toBe(true);
    expect(codeSha256(createZip(entries))).toBe(codeSha256(createZip([...entries].reverse())));
  });

  it('changes when a file changes', () => {
    const changed = [entries[0]!, { path: 'index.js', data: Buffer.from('export const handler = async () => 43;\n') }];
    expect(codeSha256(createZip(changed))).not.toBe(codeSha256(createZip(entries)));
  });

  it('is a zip that Python’s zipfile reads back intact', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-zip-'));
    const file = join(dir, 'code.zip');
    writeFileSync(file, createZip(entries));

    const listing = execFileSync(
      'python3',
      [
        '-c',
        'import sys, zipfile, json; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(json.dumps({i.filename: z.read(i).decode() for i in z.infolist()}))',
        file,
      ],
      { encoding: 'utf8' },
    );

    expect(JSON.parse(listing)).toEqual({ 'index.js': entries[1]!.data.toString(), 'package.json': entries[0]!.data.toString() });
    expect(readFileSync(file).subarray(0, 4).toString('hex')).toBe('504b0304');
  });

  it('computes the standard CRC-32', () => {
    expect(crc32(Buffer.from('123456789')).toString(16)).toBe('cbf43926');
  });
});
