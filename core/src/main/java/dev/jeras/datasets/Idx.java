package dev.jeras.datasets;

import java.util.Arrays;

import dev.jeras.UInt8Tensor;

/**
 * Reads IDX files, the format of the original MNIST distribution: two zero bytes, a type code
 * (0x08 for unsigned bytes, the only type read here), the number of dimensions, each dimension as a
 * big-endian int, then the data in row-major order.
 */
final class Idx {

    static final int UNSIGNED_BYTE = 0x08;

    private Idx() {
    }

    /** Parses decompressed IDX content; {@code source} names it in errors. */
    static UInt8Tensor parse(byte[] content, String source) {
        if (content.length < 4) {
            throw corrupt(source, "it holds " + content.length + " bytes, fewer than the 4-byte IDX magic number");
        }
        if (content[0] != 0 || content[1] != 0) {
            throw corrupt(source, String.format("its magic number starts 0x%02X%02X, not 0x0000: this is not an IDX file",
                    content[0] & 0xFF, content[1] & 0xFF));
        }
        int type = content[2] & 0xFF;
        if (type != UNSIGNED_BYTE) {
            throw corrupt(source, String.format("its data type is 0x%02X; jeras reads unsigned-byte IDX files (type 0x08)", type));
        }
        int rank = content[3] & 0xFF;
        int header = 4 + 4 * rank;
        if (rank == 0 || content.length < header) {
            throw corrupt(source, "its header declares " + rank + " dimensions but the file ends after " + content.length + " bytes");
        }
        int[] dims = new int[rank];
        long size = 1;
        for (int d = 0; d < rank; d++) {
            int p = 4 + 4 * d;
            dims[d] = (content[p] & 0xFF) << 24 | (content[p + 1] & 0xFF) << 16 | (content[p + 2] & 0xFF) << 8 | (content[p + 3] & 0xFF);
            if (dims[d] < 0) {
                throw corrupt(source, "dimension " + d + " is negative (" + dims[d] + ")");
            }
            size *= dims[d];
        }
        long available = content.length - header;
        if (size != available) {
            throw corrupt(source, "its header declares dimensions " + Arrays.toString(dims) + " = " + size
                    + " bytes of data, but the file holds " + available + (size > available ? " (truncated)" : " (trailing bytes)"));
        }
        return UInt8Tensor.wrap(Arrays.copyOfRange(content, header, content.length), dims);
    }

    private static DatasetException corrupt(String source, String why) {
        return new DatasetException(source + " is not a valid IDX file: " + why + "; delete it and fetch it again");
    }
}
