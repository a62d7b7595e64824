import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { crc32c, maskCrc, maskedCrc32c } from '../../../src/core/metrics/crc32c';
import { TfEventsFollower } from '../../../src/core/metrics/followers';
import { decodeEvent, halfToNumber, TfRecordReader } from '../../../src/core/metrics/tfevents';
import { encodeEvent, eventFile, frameRecord } from './tfevents-writer';

/**
 * One record written by hand from the TFRecord + Event specs: Event{wall_time: 1.5, step: 7,
 * summary{value{tag: "loss", simple_value: 0.25}}}; the CRCs were computed with an independent
 * bitwise CRC-32C (Python), not with the code under test.
 */
const HAND_WRITTEN_RECORD =
  '1a00000000000000' + // length 26, u64 little-endian
  '129bd82d' + // masked CRC32C of the length bytes (0x2dd89b12)
  '09000000000000f83f' + // field 1 (double) wall_time = 1.5
  '1007' + // field 2 (varint) step = 7
  '2a0d' + '0a0b' + '0a046c6f7373' + '150000803e' + // summary { value { tag "loss", simple_value 0.25 } }
  'c9d07b8d'; // masked CRC32C of the data (0x8d7bd0c9)

const brief = (points: Array<{ name: string; step: number; value: number }>) => points.map((p) => `${p.name}@${p.step}=${p.value}`);

describe('metrics / TensorBoard event files', () => {
  describe('CRC-32C', () => {
    it('matches the published test vectors (RFC 3720 B.4 and the "123456789" check value)', () => {
      assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
      assert.equal(crc32c(Buffer.alloc(32, 0)), 0x8a9136aa);
      assert.equal(crc32c(Buffer.alloc(32, 0xff)), 0x62a8ab43);
      assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
      assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c);
      assert.equal(crc32c(new Uint8Array(0)), 0);
    });

    it('masks as TensorFlow does: rotate right by 15, add 0xa282ead8', () => {
      assert.equal(maskCrc(0), 0xa282ead8);
      assert.equal(maskedCrc32c(Buffer.from('1a00000000000000', 'hex')), 0x2dd89b12);
    });
  });

  it('reads the hand-written record, and the test writer produces exactly those bytes', () => {
    const bytes = Buffer.from(HAND_WRITTEN_RECORD, 'hex');
    const batch = new TfRecordReader().read(bytes);
    assert.deepEqual(batch.errors, []);
    assert.equal(batch.consumed, bytes.length);
    assert.deepEqual(decodeEvent(batch.records[0]), { wallTime: 1.5, step: 7, scalars: [{ tag: 'loss', value: 0.25 }] });
    assert.equal(frameRecord(encodeEvent({ wallTime: 1.5, step: 7, scalars: [{ tag: 'loss', value: 0.25 }] })).toString('hex'), HAND_WRITTEN_RECORD);
  });

  it('decodes every scalar encoding: simple_value, tensor float_val (packed and not), double_val, int64_val, double tensor_content', () => {
    const event = decodeEvent(
      encodeEvent({
        wallTime: 1_700_000_000.25,
        step: 123456789012,
        scalars: [
          { tag: 'a', value: 0.5 },
          { tag: 'b', value: 0.75, encoding: 'tensor_float_val' },
          { tag: 'c', value: -2, encoding: 'tensor_float_unpacked' },
          { tag: 'd', value: 0.1, encoding: 'tensor_double_content' },
          { tag: 'e', value: NaN },
          { tag: 'f', value: 0.123456789012, encoding: 'tensor_double_val' },
          { tag: 'g', value: -42, encoding: 'tensor_int64_val' },
        ],
      }),
    );
    assert.equal(event.step, 123456789012);
    assert.equal(event.wallTime, 1_700_000_000.25);
    assert.deepEqual(event.scalars.map((s) => [s.tag, s.value]), [['a', 0.5], ['b', 0.75], ['c', -2], ['d', 0.1], ['e', NaN], ['f', 0.123456789012], ['g', -42]]);
  });

  it('skips non-scalar tensors (histograms, text) and the file_version record', () => {
    // Summary.value { tag "h", tensor { dtype DT_FLOAT, shape { dim { size 3 } }, float_val [1,2,3] } }
    const floats = Buffer.alloc(12);
    [1, 2, 3].forEach((v, i) => floats.writeFloatLE(v, i * 4));
    const shape = Buffer.from([0x12, 0x02, 0x08, 0x03]); // dim { size: 3 }
    const tensor = Buffer.concat([Buffer.from([0x08, 0x01, 0x12, shape.length]), shape, Buffer.from([0x2a, floats.length]), floats]);
    const value = Buffer.concat([Buffer.from([0x0a, 0x01, 0x68, 0x42, tensor.length]), tensor]);
    const summary = Buffer.concat([Buffer.from([0x0a, value.length]), value]);
    const event = Buffer.concat([Buffer.from([0x10, 0x05, 0x2a, summary.length]), summary]);
    assert.deepEqual(decodeEvent(event).scalars, []);
    assert.deepEqual(decodeEvent(encodeEvent({ wallTime: 1, step: 0, fileVersion: 'brain.Event:2' })).scalars, []);
  });

  it('converts half floats', () => {
    assert.equal(halfToNumber(0x3c00), 1);
    assert.equal(halfToNumber(0xc000), -2);
    assert.equal(halfToNumber(0x3555), 0.333251953125);
    assert.equal(halfToNumber(0x7c00), Infinity);
    assert.ok(Number.isNaN(halfToNumber(0x7e00)));
    assert.equal(halfToNumber(0x0001), 2 ** -24);
  });

  describe('framing errors', () => {
    const four = () => [1, 2, 3, 4].map((step) => frameRecord(encodeEvent({ wallTime: step, step, scalars: [{ tag: 'loss', value: step / 10 }] })));
    const steps = (records: Uint8Array[]) => records.map((r) => decodeEvent(r).step);

    it('waits for a torn record at the end, at every cut position', () => {
      const records = four();
      const whole = Buffer.concat(records);
      const lastStart = whole.length - records[3].length;
      for (let cut = lastStart; cut < whole.length; cut++) {
        const batch = new TfRecordReader().read(whole.subarray(0, cut));
        assert.deepEqual(steps(batch.records), [1, 2, 3], `cut at ${cut}`);
        assert.equal(batch.consumed, lastStart);
        assert.deepEqual(batch.errors, []);
      }
    });

    it('reports and skips a record whose data CRC is wrong in the middle', () => {
      const records = four();
      records[1][20] ^= 0xff; // a byte of record 2's payload
      const batch = new TfRecordReader().read(Buffer.concat(records), 1000);
      assert.deepEqual(steps(batch.records), [1, 3, 4]);
      assert.equal(batch.errors.length, 1);
      assert.match(batch.errors[0], new RegExp(`^corrupt record at byte ${1000 + records[0].length} \\(\\d+ bytes, data CRC mismatch\\); skipped$`));
    });

    it('resynchronises after a corrupt length header and reports it once', () => {
      const records = four();
      records[1][3] ^= 0x40; // the length of record 2: its CRC no longer matches
      const batch = new TfRecordReader().read(Buffer.concat(records));
      assert.deepEqual(steps(batch.records), [1, 3, 4]);
      assert.equal(batch.errors.length, 1);
      assert.match(batch.errors[0], /^corrupt record header at byte \d+ \(length CRC mismatch\)/);
    });

    it('treats garbage as corruption, not as a huge record to wait for', () => {
      const garbage = Buffer.alloc(4096, 0xab);
      const batch = new TfRecordReader().read(Buffer.concat([garbage, four()[0]]));
      assert.deepEqual(steps(batch.records), [1]);
      assert.equal(batch.errors.length, 1);
    });
  });

  describe('TfEventsFollower on a growing file', () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hps-tfevents-'))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('reads only what was appended, waits for a half-written record, then reads it', async () => {
      const file = path.join(dir, 'events.out.tfevents.1700000000.host.1.0');
      const bytes = eventFile([1, 2, 3].map((step) => ({ step, scalars: [{ tag: 'loss', value: step }] })));
      const follower = new TfEventsFollower(file);
      assert.deepEqual((await follower.poll()).points, [], 'no file yet');
      const cut = bytes.length - 10;
      fs.writeFileSync(file, bytes.subarray(0, cut));
      assert.deepEqual(brief((await follower.poll()).points), ['loss@1=1', 'loss@2=2']);
      assert.deepEqual((await follower.poll()).points, []);
      fs.appendFileSync(file, bytes.subarray(cut));
      const third = await follower.poll();
      assert.deepEqual(brief(third.points), ['loss@3=3']);
      assert.equal(third.points[0].wallTime, 1_700_000_003);
      assert.equal(third.points[0].source, 'tfevents');
    });

    it('reads a file bigger than one read slice in a single poll', async () => {
      const file = path.join(dir, 'events.out.tfevents.big');
      const events = Array.from({ length: 2000 }, (_, i) => ({ step: i, scalars: [{ tag: 'x', value: i }] }));
      fs.writeFileSync(file, eventFile(events));
      const follower = new TfEventsFollower(file, 4096);
      assert.equal((await follower.poll()).points.length, 2000);
    });

    it('grows its read slice for a record larger than the slice', async () => {
      const file = path.join(dir, 'events.out.tfevents.wide');
      const scalars = Array.from({ length: 500 }, (_, i) => ({ tag: `layer_${i}/grad_norm`, value: i }));
      fs.writeFileSync(file, eventFile([{ step: 1, scalars }, { step: 2, scalars: [{ tag: 'loss', value: 1 }] }]));
      const result = await new TfEventsFollower(file, 256).poll();
      assert.equal(result.points.length, 501);
      assert.deepEqual(result.warnings, []);
    });

    it('re-reads a file that was truncated or replaced, and says so', async () => {
      const file = path.join(dir, 'events.out.tfevents.x');
      fs.writeFileSync(file, eventFile([{ step: 1, scalars: [{ tag: 'a', value: 1 }] }, { step: 2, scalars: [{ tag: 'a', value: 2 }] }]));
      const follower = new TfEventsFollower(file);
      assert.equal((await follower.poll()).points.length, 2);
      fs.writeFileSync(file, eventFile([{ step: 9, scalars: [{ tag: 'a', value: 9 }] }]));
      const again = await follower.poll();
      assert.deepEqual(brief(again.points), ['a@9=9']);
      assert.match(again.warnings.join('\n'), /shrank or was replaced; reading it again from the start/);
    });

    it('at the end, reports an incomplete final record instead of waiting for ever', async () => {
      const file = path.join(dir, 'events.out.tfevents.torn');
      const bytes = eventFile([{ step: 1, scalars: [{ tag: 'a', value: 1 }] }]);
      fs.writeFileSync(file, bytes.subarray(0, bytes.length - 3));
      const result = await new TfEventsFollower(file).poll(true);
      assert.deepEqual(result.points, []);
      assert.match(result.warnings.join('\n'), /bytes at the end are an incomplete record/);
    });

    it('warns about a record with valid CRCs but an undecodable payload', async () => {
      const file = path.join(dir, 'events.out.tfevents.bad');
      fs.writeFileSync(file, Buffer.concat([frameRecord(Buffer.from([0x0a, 0xff, 0x01])), eventFile([{ step: 4, scalars: [{ tag: 'a', value: 4 }] }])]));
      const result = await new TfEventsFollower(file).poll();
      assert.deepEqual(brief(result.points), ['a@4=4']);
      assert.match(result.warnings[0], /undecodable event record \(truncated protobuf message\); skipped/);
    });
  });
});
