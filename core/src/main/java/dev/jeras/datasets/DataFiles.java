package dev.jeras.datasets;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

import dev.jeras.internal.AtomicFiles;

/** Bounded reads, gzip, SHA-256 and atomic writes for dataset files. */
final class DataFiles {

    /** No MNIST file comes near this; anything larger is refused before it is read. */
    static final int MAX_BYTES = 256 << 20;

    private DataFiles() {
    }

    /** The file's bytes, decompressed when it is gzip, refusing anything over {@link #MAX_BYTES}. */
    static byte[] readMaybeGzip(Path file) {
        byte[] raw;
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new DatasetException(file + " is " + size + " bytes, more than any dataset file jeras reads ("
                        + MAX_BYTES + "); check that the path names the right file");
            }
            raw = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return isGzip(raw) ? gunzip(raw, file.toString()) : raw;
    }

    static boolean isGzip(byte[] data) {
        return data.length >= 2 && (data[0] & 0xFF) == 0x1F && (data[1] & 0xFF) == 0x8B;
    }

    /** Decompresses gzip data; a truncated or corrupt stream is an error naming {@code source}. */
    static byte[] gunzip(byte[] gz, String source) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return readBounded(in, source);
        } catch (IOException e) {
            throw new DatasetException(source + " is not a complete gzip stream (truncated or corrupt: " + e.getMessage()
                    + "); delete it and fetch it again", e);
        }
    }

    /** Reads a stream to its end, refusing more than {@link #MAX_BYTES}; memory grows only with the data. */
    static byte[] readBounded(InputStream in, String source) throws IOException {
        byte[] data = in.readNBytes(MAX_BYTES);
        if (in.read() != -1) {
            throw new DatasetException(source + " holds more than " + MAX_BYTES + " bytes, more than any dataset file jeras reads");
        }
        return data;
    }

    static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    static String sha256(byte[] data) {
        return HexFormat.of().formatHex(sha256Digest().digest(data));
    }

    /** Fails unless {@code data} hashes to {@code expected}. */
    static void verify(byte[] data, String expected, String source) {
        checkDigest(sha256(data), expected, source);
    }

    /** Fails unless the hex digest {@code actual} is {@code expected}. */
    static void checkDigest(String actual, String expected, String source) {
        if (!actual.equals(expected)) {
            throw new DatasetException("checksum mismatch for " + source + ": expected SHA-256 " + expected + ", received "
                    + actual + "; the file is corrupt or not the expected dataset, so delete it and fetch it again");
        }
    }

    /** Writes {@code data} to {@code target} atomically (see {@link AtomicFiles}). */
    static void writeAtomically(Path target, byte[] data) throws IOException {
        AtomicFiles.write(target, data);
    }
}
