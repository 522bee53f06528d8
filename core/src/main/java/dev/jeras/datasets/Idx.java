package dev.jeras.datasets;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

import dev.jeras.UInt8Tensor;

/**
 * Reads IDX files, the format of the original MNIST distribution: two zero bytes, a type code
 * (0x08 for unsigned bytes, the only type read here), the number of dimensions, each dimension as a
 * big-endian int, then the data in row-major order.
 */
public final class Idx {

    static final int UNSIGNED_BYTE = 0x08;

    private Idx() {
    }

    /** Parses decompressed IDX content already in memory (from an npm package); {@code source} names it in errors. */
    static UInt8Tensor parse(byte[] content, String source) {
        if (content.length < 4) {
            throw corrupt(source, "it holds " + content.length + " bytes, fewer than the 4-byte IDX magic number");
        }
        int rank = checkMagic(content, source);
        int header = 4 + 4 * rank;
        if (rank == 0 || content.length < header) {
            throw corrupt(source, "its header declares " + rank + " dimensions but the file ends after " + content.length + " bytes");
        }
        int[] dims = dims(Arrays.copyOfRange(content, 4, header), rank, source);
        long size = 1;
        for (int d : dims) {
            size *= d;
        }
        long available = content.length - header;
        if (size != available) {
            throw corrupt(source, "its header declares dimensions " + Arrays.toString(dims) + " = " + size
                    + " bytes of data, but the file holds " + available + (size > available ? " (truncated)" : " (trailing bytes)"));
        }
        return UInt8Tensor.wrap(Arrays.copyOfRange(content, header, content.length), dims);
    }

    /**
     * Reads an IDX file of unsigned bytes, raw or gzip-compressed (such as MNIST's
     * {@code t10k-images-idx3-ubyte.gz}); a truncated or corrupt file is a {@link DatasetException}
     * that says what is wrong.
     */
    public static UInt8Tensor read(Path file) {
        return read(file, null);
    }

    /**
     * Reads an IDX file, raw or gzip, straight into its final array: the header gives the size, which
     * is bounded before anything is allocated, and the data is hashed chunk by chunk as it is
     * decompressed, so nothing is copied and nothing is read twice. When {@code expectedSha256} is
     * not null the decompressed content must hash to it.
     */
    static UInt8Tensor read(Path file, String expectedSha256) {
        String source = file.toString();
        try (InputStream raw = Files.newInputStream(file);
             BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16)) {
            buffered.mark(2);
            boolean gzip = buffered.read() == 0x1F && buffered.read() == 0x8B;
            buffered.reset();
            InputStream in = gzip ? new GZIPInputStream(buffered, 1 << 16) : buffered;
            MessageDigest sha = DataFiles.sha256Digest();
            byte[] head = in.readNBytes(4);
            if (head.length < 4) {
                throw corrupt(source, "it holds " + head.length + " bytes, fewer than the 4-byte IDX magic number");
            }
            int rank = checkMagic(head, source);
            byte[] dimBytes = in.readNBytes(4 * rank);
            if (rank == 0 || dimBytes.length < 4 * rank) {
                throw corrupt(source, "its header declares " + rank + " dimensions but the file ends after " + (4 + dimBytes.length)
                        + " bytes");
            }
            int[] dims = dims(dimBytes, rank, source);
            long size = 1;
            for (int d : dims) {
                size *= d;
            }
            if (size > DataFiles.MAX_BYTES) {
                throw corrupt(source, "its header declares dimensions " + Arrays.toString(dims) + " = " + size
                        + " bytes, more than any dataset file jeras reads (" + DataFiles.MAX_BYTES + ")");
            }
            sha.update(head);
            sha.update(dimBytes);
            byte[] data = new byte[(int) size];
            for (int off = 0; off < data.length; ) {
                int n = in.readNBytes(data, off, Math.min(1 << 20, data.length - off));
                if (n == 0) {
                    throw corrupt(source, "its header declares dimensions " + Arrays.toString(dims) + " = " + size
                            + " bytes of data, but the file holds " + off + " (truncated)");
                }
                sha.update(data, off, n);
                off += n;
            }
            if (in.read() != -1) {
                throw corrupt(source, "its header declares dimensions " + Arrays.toString(dims) + " = " + size
                        + " bytes of data, but the file holds more (trailing bytes)");
            }
            if (expectedSha256 != null) {
                DataFiles.checkDigest(HexFormat.of().formatHex(sha.digest()), expectedSha256, source);
            }
            return UInt8Tensor.wrap(data, dims);
        } catch (NoSuchFileException e) {
            throw new DatasetException("cannot read " + source + ": it does not exist", e);
        } catch (IOException e) {
            throw new DatasetException(source + " cannot be read to its end (truncated or corrupt: " + e.getMessage()
                    + "); delete it and fetch it again", e);
        }
    }

    /** Checks the magic number's zero bytes and type; returns the rank. */
    private static int checkMagic(byte[] content, String source) {
        if (content[0] != 0 || content[1] != 0) {
            throw corrupt(source, String.format("its magic number starts 0x%02X%02X, not 0x0000: this is not an IDX file",
                    content[0] & 0xFF, content[1] & 0xFF));
        }
        int type = content[2] & 0xFF;
        if (type != UNSIGNED_BYTE) {
            throw corrupt(source, String.format("its data type is 0x%02X; jeras reads unsigned-byte IDX files (type 0x08)", type));
        }
        return content[3] & 0xFF;
    }

    /** The big-endian dimensions from {@code bytes}, each checked not negative. */
    private static int[] dims(byte[] bytes, int rank, String source) {
        int[] dims = new int[rank];
        for (int d = 0; d < rank; d++) {
            int p = 4 * d;
            dims[d] = (bytes[p] & 0xFF) << 24 | (bytes[p + 1] & 0xFF) << 16 | (bytes[p + 2] & 0xFF) << 8 | (bytes[p + 3] & 0xFF);
            if (dims[d] < 0) {
                throw corrupt(source, "dimension " + d + " is negative (" + dims[d] + ")");
            }
        }
        return dims;
    }

    private static DatasetException corrupt(String source, String why) {
        return new DatasetException(source + " is not a valid IDX file: " + why + "; delete it and fetch it again");
    }
}
