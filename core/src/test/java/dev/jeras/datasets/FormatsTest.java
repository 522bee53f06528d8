package dev.jeras.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jeras.Shape;
import dev.jeras.UInt8Tensor;

/** IDX, npz and tgz: round trips and every kind of broken file. */
class FormatsTest {

    @TempDir
    Path dir;

    @Test
    void idxRoundTripRawAndGzip() throws Exception {
        byte[] data = TestFiles.bytes(2 * 3 * 4, 7);
        byte[] idx = TestFiles.idx(data, 2, 3, 4);
        UInt8Tensor t = Idx.parse(idx, "x");
        assertThat(t.shape()).isEqualTo(Shape.of(2, 3, 4));
        assertThat(t.get(1, 2, 3)).isEqualTo(Byte.toUnsignedInt(data[23]));

        Path gz = dir.resolve("x.gz");
        Files.write(gz, TestFiles.gzip(idx));
        assertThat(DataFiles.readMaybeGzip(gz)).isEqualTo(idx);
        Path raw = dir.resolve("x");
        Files.write(raw, idx);
        assertThat(DataFiles.readMaybeGzip(raw)).isEqualTo(idx);
    }

    @Test
    void badIdxFilesAreRejectedWithTheReason() {
        byte[] good = TestFiles.idx(TestFiles.bytes(12, 1), 3, 4);
        assertThatThrownBy(() -> Idx.parse(new byte[] {0, 0}, "f")).isInstanceOf(DatasetException.class)
                .hasMessageContaining("f is not a valid IDX file: it holds 2 bytes");
        byte[] magic = good.clone();
        magic[0] = 0x1F;
        assertThatThrownBy(() -> Idx.parse(magic, "f")).hasMessageContaining("magic number starts 0x1F00");
        byte[] type = good.clone();
        type[2] = 0x0D;
        assertThatThrownBy(() -> Idx.parse(type, "f")).hasMessageContaining("data type is 0x0D");
        assertThatThrownBy(() -> Idx.parse(Arrays.copyOf(good, good.length - 1), "f"))
                .hasMessageContaining("[3, 4] = 12 bytes of data, but the file holds 11 (truncated)");
        assertThatThrownBy(() -> Idx.parse(Arrays.copyOf(good, good.length + 1), "f")).hasMessageContaining("(trailing bytes)");
        assertThatThrownBy(() -> Idx.parse(Arrays.copyOf(good, 9), "f")).hasMessageContaining("declares 2 dimensions but the file ends");
        // A header claiming 2^31 x 2^31 bytes is refused by comparison, never by allocating it.
        byte[] huge = TestFiles.idx(new byte[0], Integer.MAX_VALUE, Integer.MAX_VALUE);
        assertThatThrownBy(() -> Idx.parse(huge, "f")).hasMessageContaining("(truncated)");
        byte[] negative = TestFiles.idx(new byte[0], -1);
        assertThatThrownBy(() -> Idx.parse(negative, "f")).hasMessageContaining("negative");
    }

    @Test
    void idxFilesAreReadStraightIntoTheirArrayAndVerified() throws Exception {
        byte[] data = TestFiles.bytes(3 * 5 * 7, 11);
        byte[] idx = TestFiles.idx(data, 3, 5, 7);
        String sha = DataFiles.sha256(idx);
        Path raw = dir.resolve("r");
        Files.write(raw, idx);
        Path gz = dir.resolve("r.gz");
        Files.write(gz, TestFiles.gzip(idx));
        for (Path file : new Path[] {raw, gz}) {
            UInt8Tensor t = Idx.read(file, sha);
            assertThat(t.shape()).isEqualTo(Shape.of(3, 5, 7));
            assertThat(t.get(2, 4, 6)).isEqualTo(Byte.toUnsignedInt(data[104]));
            assertThat(Idx.read(file, null).get(0, 0, 0)).isEqualTo(Byte.toUnsignedInt(data[0]));
        }
        assertThatThrownBy(() -> Idx.read(gz, "00")).isInstanceOf(DatasetException.class)
                .hasMessageContaining("checksum mismatch for " + gz).hasMessageContaining("expected SHA-256 00");
    }

    @Test
    void brokenIdxFilesAreRejectedWhileStreaming() throws Exception {
        byte[] good = TestFiles.idx(TestFiles.bytes(5000, 3), 50, 100);
        Path truncatedGz = dir.resolve("t.gz");
        byte[] gz = TestFiles.gzip(good);
        Files.write(truncatedGz, Arrays.copyOf(gz, gz.length / 2));
        assertThatThrownBy(() -> Idx.read(truncatedGz, null)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("cannot be read to its end (truncated or corrupt");
        Path truncated = dir.resolve("t");
        Files.write(truncated, Arrays.copyOf(good, good.length - 1));
        assertThatThrownBy(() -> Idx.read(truncated, null)).hasMessageContaining("= 5000 bytes of data, but the file holds 4999 (truncated)");
        Path trailing = dir.resolve("x");
        Files.write(trailing, Arrays.copyOf(good, good.length + 3));
        assertThatThrownBy(() -> Idx.read(trailing, null)).hasMessageContaining("(trailing bytes)");
        Path huge = dir.resolve("h");
        Files.write(huge, TestFiles.idx(new byte[10], 100_000, 100_000));
        assertThatThrownBy(() -> Idx.read(huge, null)).hasMessageContaining("10000000000 bytes, more than any dataset file jeras reads");
        Path notIdx = dir.resolve("n");
        Files.write(notIdx, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertThatThrownBy(() -> Idx.read(notIdx, null)).hasMessageContaining("magic number starts 0x0102");
        assertThatThrownBy(() -> Idx.read(dir.resolve("missing"), null)).hasMessageContaining("does not exist");
    }

    @Test
    void truncatedOrCorruptGzipIsAnErrorNotAPartialFile() throws Exception {
        byte[] gz = TestFiles.gzip(TestFiles.idx(TestFiles.bytes(5000, 3), 5000));
        Path truncated = dir.resolve("t.gz");
        Files.write(truncated, Arrays.copyOf(gz, gz.length / 2));
        assertThatThrownBy(() -> DataFiles.readMaybeGzip(truncated)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("is not a complete gzip stream");
        byte[] corrupt = gz.clone();
        for (int i = 20; i < 60; i++) {
            corrupt[i] ^= 0x5A;
        }
        Path bad = dir.resolve("c.gz");
        Files.write(bad, corrupt);
        assertThatThrownBy(() -> DataFiles.readMaybeGzip(bad)).hasMessageContaining("is not a complete gzip stream");
        assertThatThrownBy(() -> DataFiles.readMaybeGzip(dir.resolve("missing.gz"))).hasMessageContaining("cannot read");
    }

    @Test
    void npzRoundTrip() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("x_train.npy", TestFiles.npy(TestFiles.bytes(2 * 2 * 3, 1), "|u1", false, 2, 2, 3));
        entries.put("y_train.npy", TestFiles.npy(new byte[] {4, 9}, "|u1", false, 2));
        Map<String, UInt8Tensor> arrays = Npz.parse(TestFiles.zip(entries), "a.npz");
        assertThat(arrays.keySet()).containsExactly("x_train", "y_train");
        assertThat(arrays.get("x_train").shape()).isEqualTo(Shape.of(2, 2, 3));
        assertThat(arrays.get("y_train").get(1)).isEqualTo(9);
    }

    @Test
    void npyVersionTwoHeadersAreRead() {
        byte[] v1 = TestFiles.npy(new byte[] {1, 2, 3}, "|u1", false, 3);
        int headerLength = (v1[8] & 0xFF) | (v1[9] & 0xFF) << 8;
        byte[] v2 = new byte[v1.length + 2];
        System.arraycopy(v1, 0, v2, 0, 8);
        v2[6] = 2;
        v2[8] = (byte) headerLength;
        v2[9] = (byte) (headerLength >> 8);
        System.arraycopy(v1, 10, v2, 12, v1.length - 10);
        assertThat(Npz.parseNpy(v2, "v2").get(2)).isEqualTo(3);
    }

    @Test
    void badNpzAndNpyAreRejected() {
        assertThatThrownBy(() -> Npz.parse(TestFiles.bytes(100, 0), "junk.npz")).isInstanceOf(DatasetException.class)
                .hasMessageContaining("junk.npz");
        assertThatThrownBy(() -> Npz.parse(TestFiles.zip(Map.of("readme.txt", new byte[3])), "e.npz"))
                .hasMessageContaining("holds no .npy arrays");
        assertThatThrownBy(() -> Npz.parseNpy(TestFiles.npy(new byte[8], "<f4", false, 2), "f"))
                .hasMessageContaining("dtype is 'float32'; jeras reads uint8");
        assertThatThrownBy(() -> Npz.parseNpy(TestFiles.npy(new byte[4], "|u1", true, 2, 2), "f"))
                .hasMessageContaining("Fortran order");
        byte[] good = TestFiles.npy(new byte[6], "|u1", false, 2, 3);
        assertThatThrownBy(() -> Npz.parseNpy(Arrays.copyOf(good, good.length - 2), "f"))
                .hasMessageContaining("= 6 bytes, but it holds 4 (truncated)");
        assertThatThrownBy(() -> Npz.parseNpy(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, "f"))
                .hasMessageContaining("magic string");
        byte[] lying = good.clone();
        lying[8] = (byte) 0xFF;
        lying[9] = (byte) 0x7F;
        assertThatThrownBy(() -> Npz.parseNpy(lying, "f")).hasMessageContaining("runs past the end");
        assertThatThrownBy(() -> Npz.parseNpy(TestFiles.npy(new byte[0], "|u1", false, 2147483647, 2147483647), "f"))
                .hasMessageContaining("(truncated)");
    }

    @Test
    void tgzExtractsTheWantedFilesAndRejectsTruncation() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("package/package.json", "{}".getBytes());
        files.put("package/data/a-idx1-ubyte", TestFiles.bytes(700, 2));
        files.put("package/data/b", TestFiles.bytes(512, 3));
        byte[] tgz = TestFiles.tgz(files);
        Map<String, byte[]> found = Tgz.extract(tgz, Set.of("a-idx1-ubyte", "b", "absent"), "p.tgz");
        assertThat(found.keySet()).containsExactlyInAnyOrder("a-idx1-ubyte", "b");
        assertThat(found.get("a-idx1-ubyte")).isEqualTo(TestFiles.bytes(700, 2));

        byte[] tar = DataFiles.gunzip(tgz, "p");
        byte[] cut = TestFiles.gzip(Arrays.copyOf(tar, 512 + 512 + 100));
        assertThatThrownBy(() -> Tgz.extract(cut, Set.of("b"), "cut.tgz")).hasMessageContaining("cut.tgz is truncated");
    }

    @Test
    void checksumsAreVerified() {
        byte[] data = "abc".getBytes();
        assertThat(DataFiles.sha256(data)).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        DataFiles.verify(data, DataFiles.sha256(data), "abc");
        assertThatThrownBy(() -> DataFiles.verify(data, "00", "abc.gz"))
                .hasMessageContaining("checksum mismatch for abc.gz: expected SHA-256 00, received ba7816bf");
    }

    @Test
    void atomicWritesLeaveNoPartialFiles() throws Exception {
        Path target = dir.resolve("sub/out.bin");
        DataFiles.writeAtomically(target, new byte[] {1, 2, 3});
        DataFiles.writeAtomically(target, new byte[] {4});
        assertThat(Files.readAllBytes(target)).containsExactly(4);
        try (var listing = Files.list(target.getParent())) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("out.bin");
        }
    }
}
